-- Expressions: arithmetic on integers and reals, overflow and division by zero, ||,
-- comparisons and three-valued logic, IS [NOT] NULL, BETWEEN, IN, LIKE/ILIKE, CASE,
-- CAST and ::, and the built-in functions.

-- Integer arithmetic; division truncates toward zero and % takes the sign of the dividend.
SELECT 1 + 2, 7 - 10, 6 * 7, 7 / 2, -7 / 2, 7 % 3, -7 % 3, 7 % -3, 2 + 3 * 4, (2 + 3) * 4;
SELECT -(-5), +5, - 2 * 3, 10 - 2 - 3, 100 / 10 / 5;
-- Reals, and integers mixed with reals.
SELECT 1.5 + 1, 7.0 / 2, 7 / 2.0, 0.1 + 0.2, 1.0 * 3, 2.5 * 2.5, -1.5 * 2;
SELECT 1e3, 1.5e-3, 10 / 4 * 1.0, 10 * 1.0 / 4;
SELECT 5.5 % 2;
SELECT CAST(1 AS DOUBLE PRECISION) / 3, 2.0::DOUBLE PRECISION * 1e308 * 10;
-- Overflow (22003) and division by zero (22012).
SELECT 9223372036854775807 + 1;
SELECT -9223372036854775807 - 2;
SELECT 9223372036854775807 * 2;
SELECT 4611686018427387904 * 2;
SELECT 9223372036854775807 + 0;
SELECT 1 / 0;
SELECT 1 % 0;
SELECT 1.5 / 0;
SELECT 1 / 0.0;
SELECT 0 * (1 / 0);
-- The error happens only for rows that reach it.
SELECT CASE WHEN false THEN 1 / 0 ELSE 0 END;

-- Concatenation.
SELECT 'abc' || 'def', 'a' || 1, 1 || 'a', 'x' || NULL, 'ok' || true, 'n' || 1.5;
SELECT 1 || 2;

-- Comparisons.
SELECT 1 < 2, 2 <= 2, 3 > 4, 4 >= 5, 1 = 1, 1 <> 1, 1 != 2;
SELECT 1 = 1.0, 2 > 1.5, 'a' = 'a', 'a' < 'b', true > false, 'abc' = 'ABC';
-- Comparing different types.
SELECT 1 = 'a';
SELECT 1 = '1', '2' > 1;
SELECT 1 = true;
SELECT 'x' = true;

-- Three-valued logic with NULL.
SELECT NULL = NULL, NULL <> 1, NULL < 1, 1 = NULL, NULL IS NULL;
SELECT NULL AND false, NULL AND true, NULL OR true, NULL OR false, NOT NULL;
SELECT true AND true, true AND false, false OR false, NOT true, NOT false;
SELECT (NULL AND NULL) IS NULL, (NULL OR NULL) IS NULL;
SELECT NULL + 1, NULL * 0, 1 - NULL, NULL / 0, NULL || 'x', -(NULL::INTEGER);
-- IS [NOT] NULL, IS [NOT] TRUE/FALSE, IS [NOT] DISTINCT FROM.
SELECT 1 IS NULL, 1 IS NOT NULL, NULL IS NOT NULL, (1 + NULL) IS NULL;
SELECT NULL IS TRUE, NULL IS NOT TRUE, false IS FALSE, true IS NOT FALSE, NULL IS UNKNOWN;
SELECT NULL IS DISTINCT FROM NULL, 1 IS DISTINCT FROM NULL, 1 IS NOT DISTINCT FROM 1, NULL IS NOT DISTINCT FROM NULL;

-- BETWEEN.
SELECT 5 BETWEEN 1 AND 10, 5 BETWEEN 5 AND 5, 5 BETWEEN 10 AND 1, 5 NOT BETWEEN 1 AND 4;
SELECT NULL BETWEEN 1 AND 2, 1 BETWEEN NULL AND 2, 3 BETWEEN NULL AND 2, 'b' BETWEEN 'a' AND 'c';
SELECT 5 BETWEEN SYMMETRIC 10 AND 1;

-- IN lists, with NULLs.
SELECT 1 IN (1, 2, 3), 4 IN (1, 2, 3), 4 NOT IN (1, 2, 3), 'b' IN ('a', 'b');
SELECT 1 IN (1, NULL), 2 IN (1, NULL), 2 NOT IN (1, NULL), NULL IN (1, 2), NULL IN (NULL);
SELECT 1 IN (1.0, 2.5), 2 IN (1 + 1);

-- LIKE and ILIKE: % any run, _ one character, \ escapes; ILIKE ignores case.
SELECT 'hello' LIKE 'h%', 'hello' LIKE 'h_llo', 'hello' LIKE 'H%', 'hello' ILIKE 'H%', 'hello' NOT LIKE '%z%';
SELECT 'hello' LIKE 'hell', 'hello' LIKE '%', '' LIKE '%', '' LIKE '_', 'a%b' LIKE 'a\%b', 'axb' LIKE 'a\%b';
SELECT 'a_b' LIKE 'a\_b', 'ab' LIKE 'a\_b', 'ÉCOLE' ILIKE 'école', 'Straße' NOT ILIKE 'STRASSE';
SELECT NULL LIKE 'a', 'a' LIKE NULL, 'abc' LIKE '%b%', 'abc' LIKE 'a%c%', 'abc' LIKE '_b_';
SELECT 'hello' ~~ 'h%', 'hello' ~~* 'H%', 'hello' !~~ 'h%';
SELECT 'a|b' LIKE 'a!|b' ESCAPE '!';
SELECT 1 LIKE '1';

-- CASE, both forms.
SELECT CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' ELSE 'c' END;
SELECT CASE WHEN false THEN 'a' END;
SELECT CASE WHEN NULL THEN 'null is not true' ELSE 'else' END;
SELECT CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END;
SELECT CASE NULL WHEN NULL THEN 'matched' ELSE 'no match' END;
SELECT CASE 1 WHEN 1.0 THEN 'numeric equal' END;
SELECT CASE WHEN true THEN 1 ELSE 2.5 END;
SELECT CASE WHEN true THEN 1 ELSE 'x' END;
SELECT CASE WHEN false THEN 1 ELSE 'x' END;
SELECT CASE WHEN false THEN 1 ELSE '2' END + 1;
SELECT coalesce(NULL, 1.5, 1), coalesce(NULL, 1, 1.5);

-- CAST and ::.
SELECT CAST('42' AS INTEGER), '42'::INTEGER + 1, CAST(42 AS TEXT) || '!', 3.7::INTEGER, -3.5::INTEGER, 2.5::INT, (-3.5)::INTEGER;
SELECT '1.25'::DOUBLE PRECISION, 7::REAL / 2, CAST(1 AS BIGINT), '  12  '::INTEGER, '+5'::INTEGER;
SELECT 'true'::BOOLEAN, 'f'::BOOLEAN, 'yes'::BOOLEAN, 'off'::BOOLEAN, true::TEXT, 1::BOOLEAN, 0::BOOLEAN, true::INTEGER;
SELECT 'abcdef'::VARCHAR(3), 12345::VARCHAR(2), NULL::INTEGER, CAST(NULL AS TEXT) IS NULL;
SELECT 1.5::TEXT, 0.1::TEXT, 100.0::TEXT, 1e20::DOUBLE PRECISION, 1e-7::DOUBLE PRECISION;
SELECT 1e15::DOUBLE PRECISION, 1e14::DOUBLE PRECISION, 123456789012345678901::DOUBLE PRECISION, 0.0001::DOUBLE PRECISION, 0.00001::DOUBLE PRECISION, -2.5e-10::DOUBLE PRECISION;
SELECT 'NaN'::DOUBLE PRECISION, 'Infinity'::DOUBLE PRECISION, '-inf'::DOUBLE PRECISION;
-- Failing casts.
SELECT 'abc'::INTEGER;
SELECT '1.5'::INTEGER;
SELECT ''::INTEGER;
SELECT 'maybe'::BOOLEAN;
SELECT 'x'::DOUBLE PRECISION;
SELECT 1e20::INTEGER;
SELECT '99999999999999999999'::BIGINT;
SELECT 'NaN'::DOUBLE PRECISION::INTEGER;
SELECT 2::BOOLEAN;
SELECT 1.5::BOOLEAN;
SELECT true::DOUBLE PRECISION;
SELECT 1::DATE;

-- Functions.
SELECT abs(-5), abs(5), abs(-2.5), abs(NULL);
SELECT abs(-9223372036854775807 - 1);
SELECT coalesce(NULL, 2, 3), coalesce(NULL, NULL), coalesce(1), coalesce(NULL, 'x');
SELECT nullif(1, 1), nullif(1, 2), nullif('a', 'b'), nullif(NULL, 1);
SELECT lower('HeLLo'), upper('HeLLo'), lower(NULL), upper('straße'), lower('ÉCOLE');
SELECT length('hello'), length(''), length('héllo'), length(NULL);
SELECT round(2.5), round(-2.5), round(2.4), round(3.14159, 2), round(1234.5, -2), round(7);
SELECT round(0.5), round(1.5), round(-0.5), round(2.675, 2);
-- (PostgreSQL rounds double precision half to even, numeric half away from zero.)
SELECT round(2.5::DOUBLE PRECISION), round(3.5::DOUBLE PRECISION), round(-2.5::DOUBLE PRECISION);
SELECT substr('hello', 2), substr('hello', 2, 3), substr('hello', 0, 2), substr('hello', -1, 3), substr('hello', 10), substr('héllo', 2, 2);
SELECT substr('hello', 2, -1);
SELECT greatest(1, 5, 3), least(1, 5, 3), greatest(1, NULL, 3), least(NULL, NULL), greatest('a', 'b'), least(1, 2.5);
SELECT concat('a', 1, NULL, true, 2.5), concat(), concat(NULL);
SELECT concat('a', 'b') IS NULL, ('a' || NULL) IS NULL;
-- Function names are case-insensitive; wrong argument counts and types.
SELECT ABS(-1), Upper('x'), COALESCE(NULL, 1);
SELECT abs('-5'), length('abc'), round('2.5');
SELECT abs('x');
SELECT abs(1, 2);
SELECT length(5);
SELECT lower(1);
SELECT round('x');
SELECT coalesce(1, 'x');
SELECT greatest(1, 'x');
-- 42883: no such function.
SELECT no_such_function(1);
SELECT sqrt(4);
