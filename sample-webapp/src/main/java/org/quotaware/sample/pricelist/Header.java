package org.quotaware.sample.pricelist;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.quotaware.sample.csv.CsvRecord;
import org.quotaware.sample.csv.MalformedCsvException;

/**
 * Where the required columns are in a price list: the header names them in any order and case, extra columns allowed.
 *
 * @param size     fields in the header; every data row must have as many
 * @param sku      index of the sku column
 * @param price    index of the price column
 * @param currency index of the currency column
 */
record Header(int size, int sku, int price, int currency) {

    /** The columns a price list must have. */
    static final List<String> REQUIRED_COLUMNS = List.of("sku", "name", "price", "currency");

    /** @throws MalformedCsvException when the record is no header, lacks a required column or names one twice */
    static Header of(CsvRecord header) {
        Map<String, Integer> columns = new HashMap<>();
        List<Integer> line = List.of(header.line());
        for (int i = 0; i < header.fields().size(); i++) {
            String name = header.field(i).strip().toLowerCase(Locale.ROOT);
            if (REQUIRED_COLUMNS.contains(name) && columns.putIfAbsent(name, i) != null) {
                throw new MalformedCsvException("line " + header.line() + ": the header names the column '" + name
                        + "' twice", line);
            }
        }
        if (columns.isEmpty()) {
            throw new MalformedCsvException("line " + header.line() + ": no header row: the first line must name the "
                    + "columns " + String.join(",", REQUIRED_COLUMNS) + " (any order)", line);
        }
        List<String> missing = REQUIRED_COLUMNS.stream().filter(c -> !columns.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            throw new MalformedCsvException("line " + header.line() + ": the header lacks the required column(s) "
                    + String.join(",", missing), line);
        }
        return new Header(header.size(), columns.get("sku"), columns.get("price"), columns.get("currency"));
    }
}
