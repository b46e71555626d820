# The plan of the monthly run's statement (auto_explain, at NOTICE), read by
# sql/engine_order.sql: the results insert (any sort of USCCs under it?) and
# the fused insert (merge joins, sorts of the run's rows, nested loops over
# them, hash joins of the run's rows with the latest assessments on the USCC).
/^WITH ins AS/ { on = 1 }
on && /Insert on classification_result/ { ins = 1; dom = 0; inserts++ }
on && /Insert on classification_domain_result/ { ins = 0; dom = 1 }
on && /^  (InitPlan|CTE|->)/ && !/Insert on/ { ins = 0; dom = 0 }
ins && /Sort Key: .*uscc/ { sorts++ }
dom && /Merge Join/ { merges++ }
dom && /Sort Key: r(_[0-9]+)?\.uscc$/ { dom_sorts++ }
dom && /Nested Loop/ { loop = 1 }
dom && loop && /CTE Scan on ins/ { loops_over_run++ }
dom && /Hash Cond: \(r(_[0-9]+)?\.uscc = x(_[0-9]+)?\.uscc\)/ { hashed++ }
/^NOTICE:  duration/ { on = 0; ins = 0; dom = 0; loop = 0 }
END {
    print "plans of the results insert: " inserts + 0 ", sorts of USCCs under it: " sorts + 0
    print "fused insert: merge joins " merges + 0 ", sorts of the run's rows " dom_sorts + 0 ", nested loops over them " loops_over_run + 0 ", hash joins on the USCC " hashed + 0
}
