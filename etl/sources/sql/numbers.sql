-- Numbers as written, read in SQL exactly as etl.units.parse_number reads them (issue 17).
-- A number is kept as its exact decimal parts: signed significant digits and a power of ten
-- (7,919.50 -> '79195', -1), so scaling by 万/亿/万亿 only moves the exponent and a cast of
-- 'digits e exponent' to DOUBLE is the correctly rounded exact product. Created per connection.

-- full-width digits and a typographic minus, as parse_number translates them (an ASCII text, as
-- strlen = length says, has none: most cells skip the translation)
CREATE OR REPLACE TEMP MACRO pulse_num_text(s) AS CASE WHEN strlen(s) = length(s) THEN s
    ELSE regexp_replace(translate(s, '０１２３４５６７８９．，－＋％', '0123456789.,-+%'), '^[−—]', '-') END;

-- ASCII digits; commas or spaces only as valid thousands grouping (one kind per number)
CREATE OR REPLACE TEMP MACRO pulse_num_shape(t) AS regexp_full_match(t,
    '[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?');

-- the mantissa without grouping or sign, and the written exponent (NULL if it does not fit BIGINT)
CREATE OR REPLACE TEMP MACRO pulse_num_mantissa(t) AS
    split_part(ltrim(replace(replace(lower(t), ',', ''), ' ', ''), '+-'), 'e', 1);
CREATE OR REPLACE TEMP MACRO pulse_num_exp(t) AS
    CASE WHEN contains(lower(t), 'e') THEN TRY_CAST(split_part(lower(t), 'e', 2) AS BIGINT) ELSE 0 END;

-- significant digits of a mantissa ('' for zero) and the power of ten of its last digit
CREATE OR REPLACE TEMP MACRO pulse_num_sig(m) AS rtrim(ltrim(replace(m, '.', ''), '0'), '0');
CREATE OR REPLACE TEMP MACRO pulse_num_pow(m, e) AS
    e - length(split_part(m, '.', 2)) + length(ltrim(replace(m, '.', ''), '0')) - length(pulse_num_sig(m));

-- parse_number's plausibility limit: a value whose adjusted exponent exceeds 290 is a typo
CREATE OR REPLACE TEMP MACRO pulse_num_too_big(m, e) AS
    pulse_num_sig(m) <> '' AND pulse_num_pow(m, e) + length(pulse_num_sig(m)) - 1 > 290;
