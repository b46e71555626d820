\echo Use "CREATE EXTENSION bench_floor" to load this file. \quit

CREATE FUNCTION bench_floor(double precision[]) RETURNS double precision
    AS 'MODULE_PATHNAME', 'bench_floor' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bench_floor(double precision[]) IS
    'Sum of the non-NULL elements, each read exactly once: the least work a scorer of the array must do';

CREATE FUNCTION bench_floor4(real[]) RETURNS double precision
    AS 'MODULE_PATHNAME', 'bench_floor4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bench_floor4(real[]) IS
    'bench_floor() over a float4 array: the floor with a representation half as large';
