-- classify(): the Henan bands (art. 9), caller cut-offs, labels and ratios.
SET search_path = creditrisk, public;

-- Boundaries of the half-open bands [0,200) [200,500) [500,750) [750,1000]
SELECT s AS score, classify(s)
  FROM unnest(ARRAY[0, 199.999999, 200, 499.99, 500, 749.99, 750, 999.9999, 1000,
                    '-0'::float8]) s;

-- NULL in, NULL out
SELECT classify(NULL::float8) IS NULL AS null_is_null;

-- Out of range: 22003 with the value in the message
SELECT classify(1000.0000001); \echo :LAST_ERROR_SQLSTATE
SELECT classify(-0.001); \echo :LAST_ERROR_SQLSTATE
SELECT classify('NaN'); \echo :LAST_ERROR_SQLSTATE
SELECT classify('Infinity'); \echo :LAST_ERROR_SQLSTATE
SELECT classify('-Infinity'); \echo :LAST_ERROR_SQLSTATE

-- Caller cut-offs: lower bounds of B, C and D (other provinces' bands)
SELECT s AS score, classify(s, '{300,600,900}') FROM unnest('{0,299.9,300,599.9,600,899.9,900,1000}'::float8[]) s;
SELECT classify(200, '{200,500,750}') = classify(200) AS same_as_henan;
SELECT classify(NULL, '{300,600,900}') IS NULL AS null_score,
       classify(100, NULL) IS NULL AS null_cutoffs;

-- Malformed cut-offs are rejected with a clear error
SELECT classify(100, '{}'); \echo :LAST_ERROR_SQLSTATE
SELECT classify(100, '{200,500}'); \echo :LAST_ERROR_SQLSTATE
SELECT classify(100, '{200,500,750,900}'); \echo :LAST_ERROR_SQLSTATE
SELECT classify(100, '{{200,500,750}}'); \echo :LAST_ERROR_SQLSTATE
SELECT classify(100, '{200,NULL,750}'); \echo :LAST_ERROR_SQLSTATE
SELECT classify(100, '{0,500,750}'); \echo :LAST_ERROR_SQLSTATE
SELECT classify(100, '{200,500,1000}'); \echo :LAST_ERROR_SQLSTATE
SELECT classify(100, '{200,NaN,750}'); \echo :LAST_ERROR_SQLSTATE
SELECT classify(100, '{200,-Infinity,750}'); \echo :LAST_ERROR_SQLSTATE
SELECT classify(100, '{500,500,750}'); \echo :LAST_ERROR_SQLSTATE
SELECT classify(100, '{200,600,550}'); \echo :LAST_ERROR_SQLSTATE
-- the score is checked too
SELECT classify(1001, '{300,600,900}'); \echo :LAST_ERROR_SQLSTATE

-- What a class means: label (art. 9) and minimum spot-check ratio (art. 12-15)
SELECT rc, class_label(rc), min_spot_check_ratio(rc)
  FROM unnest('{A,B,C,D}'::riskclass[]) rc;
SELECT pg_typeof(min_spot_check_ratio('A'));
