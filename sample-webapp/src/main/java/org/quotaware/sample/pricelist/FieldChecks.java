package org.quotaware.sample.pricelist;

import static org.quotaware.sample.pricelist.AnalysisLimits.echo;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.List;

/**
 * The checks of one row's price and currency; a failed check adds its {@link Issue} and yields {@code null}. Written
 * out rather than as regular expressions: a {@code Matcher} per field was most of the garbage a row left behind.
 */
final class FieldChecks {

    private FieldChecks() {
    }

    static BigDecimal price(String raw, List<Issue> issues) {
        String value = raw.strip();
        if (!isPlainDecimal(value)) {
            issues.add(new Issue(Issue.Code.BAD_PRICE, value.isEmpty() ? "price is empty"
                    : "price '" + echo(value) + "' is not a decimal number like 12.50"));
            return null;
        }
        if (value.length() > AnalysisLimits.MAX_PRICE_CHARS) {
            // checked before parsing: a price of a million digits is parsed in quadratic time
            issues.add(new Issue(Issue.Code.PRICE_OUT_OF_RANGE, "price '" + echo(value) + "' is longer than "
                    + AnalysisLimits.MAX_PRICE_CHARS + " characters"));
            return null;
        }
        BigDecimal amount = new BigDecimal(value);
        if (amount.signum() < 0) {
            issues.add(new Issue(Issue.Code.NEGATIVE_PRICE, "price " + echo(value) + " is negative"));
            return null;
        }
        if (amount.scale() > AnalysisLimits.MAX_PRICE_SCALE) {
            // a finer scale would make every sum of the currency's prices carry it
            issues.add(new Issue(Issue.Code.PRICE_OUT_OF_RANGE, "price " + value + " has more than "
                    + AnalysisLimits.MAX_PRICE_SCALE + " decimal places"));
            return null;
        }
        if (amount.precision() - amount.scale() > AnalysisLimits.MAX_PRICE_INTEGER_DIGITS) {
            issues.add(new Issue(Issue.Code.PRICE_OUT_OF_RANGE, "price " + value + " has more than "
                    + AnalysisLimits.MAX_PRICE_INTEGER_DIGITS + " digits before the decimal point"));
            return null;
        }
        return amount;
    }

    static String currency(String raw, List<Issue> issues) {
        String code = raw.strip();
        if (!isThreeUpperCaseLetters(code)) {
            issues.add(new Issue(Issue.Code.INVALID_CURRENCY, code.isEmpty() ? "currency is empty"
                    : "currency '" + echo(code) + "' is not three upper-case letters"));
            return null;
        }
        try {
            Currency.getInstance(code);
            return code;
        } catch (IllegalArgumentException e) {
            issues.add(new Issue(Issue.Code.UNKNOWN_CURRENCY, "currency '" + code + "' is not an ISO 4217 code"));
            return null;
        }
    }

    /** {@code [+-]?(\d+(\.\d*)?|\.\d+)}: what {@link BigDecimal#BigDecimal(String)} reads, less exponents. */
    static boolean isPlainDecimal(String value) {
        int i = value.startsWith("+") || value.startsWith("-") ? 1 : 0;
        int digits = 0;
        boolean point = false;
        for (; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '.' && !point) {
                point = true;
            } else {
                return false;
            }
        }
        return digits > 0;
    }

    static boolean isThreeUpperCaseLetters(String code) {
        return code.length() == 3 && isUpperCase(code.charAt(0)) && isUpperCase(code.charAt(1))
                && isUpperCase(code.charAt(2));
    }

    private static boolean isUpperCase(char c) {
        return c >= 'A' && c <= 'Z';
    }

    static String blankToNull(String value) {
        String stripped = value.strip();
        return stripped.isEmpty() ? null : stripped;
    }
}
