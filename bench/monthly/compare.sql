-- bench/monthly/compare.sql: rows differing between the C run (:as_of, version :version)
-- and the expert's set-based run (bench.expert_result, bench.expert_domain_result),
-- each row compared whole: "result_rows domain_rows"
SET search_path = creditrisk, public;
SELECT (SELECT count(*) FROM ((SELECT uscc, division_code, score, score_class, final_class, overrides, override_details, reasons
                                 FROM classification_result WHERE as_of = :'as_of' AND version = :version
                               EXCEPT ALL
                               SELECT uscc, division_code, score, score_class, final_class, overrides, override_details, reasons
                                 FROM bench.expert_result WHERE as_of = :'as_of')
                              UNION ALL
                              (SELECT uscc, division_code, score, score_class, final_class, overrides, override_details, reasons
                                 FROM bench.expert_result WHERE as_of = :'as_of'
                               EXCEPT ALL
                               SELECT uscc, division_code, score, score_class, final_class, overrides, override_details, reasons
                                 FROM classification_result WHERE as_of = :'as_of' AND version = :version)) x)
       || ' ' ||
       (SELECT count(*) FROM ((SELECT uscc, domain, division_code, general_class, professional_class, assessed_date, method, fused_class
                                 FROM classification_domain_result WHERE as_of = :'as_of' AND version = :version
                               EXCEPT ALL
                               SELECT uscc, domain, division_code, general_class, professional_class, assessed_date, method, fused_class
                                 FROM bench.expert_domain_result WHERE as_of = :'as_of')
                              UNION ALL
                              (SELECT uscc, domain, division_code, general_class, professional_class, assessed_date, method, fused_class
                                 FROM bench.expert_domain_result WHERE as_of = :'as_of'
                               EXCEPT ALL
                               SELECT uscc, domain, division_code, general_class, professional_class, assessed_date, method, fused_class
                                 FROM classification_domain_result WHERE as_of = :'as_of' AND version = :version)) x);
