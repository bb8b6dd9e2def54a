package org.quotaware.sample.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class CsvParserTest {

    @Test
    void splitsPlainFieldsAndNumbersLines() {
        List<CsvRecord> records = parse("a,b,c\n1,2,3\n");

        assertThat(records).containsExactly(
                new CsvRecord(1, List.of("a", "b", "c")),
                new CsvRecord(2, List.of("1", "2", "3")));
    }

    @Test
    void quotedFieldsKeepCommasNewlinesAndDoubledQuotes() {
        List<CsvRecord> records = parse("""
                sku,name
                A1,"Widget, large"
                A2,"two
                lines"
                A3,"say ""hi\"""
                A4,""
                """);

        assertThat(records).extracting(CsvRecord::fields).containsExactly(
                List.of("sku", "name"),
                List.of("A1", "Widget, large"),
                List.of("A2", "two\nlines"),
                List.of("A3", "say \"hi\""),
                List.of("A4", ""));
        // the quoted newline makes A2 span lines 3-4, so A3 starts on line 5
        assertThat(records).extracting(CsvRecord::line).containsExactly(1, 2, 3, 5, 6);
    }

    @Test
    void acceptsCrlfAndLoneCrAndAMissingFinalNewline() {
        assertThat(parse("a,b\r\n1,2\r\n")).extracting(CsvRecord::fields)
                .containsExactly(List.of("a", "b"), List.of("1", "2"));
        assertThat(parse("a,b\r1,2")).extracting(CsvRecord::line).containsExactly(1, 2);
        assertThat(parse("a,b\r\n\"x\r\ny\",2\r\n3,4")).extracting(CsvRecord::line).containsExactly(1, 2, 4);
    }

    @Test
    void keepsEmptyTrailingFieldsAndSkipsBlankLines() {
        List<CsvRecord> records = parse("a,b\n\n1,\n\n");

        assertThat(records).containsExactly(
                new CsvRecord(1, List.of("a", "b")),
                new CsvRecord(3, List.of("1", "")));
    }

    @Test
    void skipsUtf8ByteOrderMark() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "sku,name\nA1,Crème brûlée\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, withBom, 0, bom.length);
        System.arraycopy(body, 0, withBom, bom.length, body.length);

        List<CsvRecord> records = parse(withBom);

        assertThat(records.get(0).fields()).containsExactly("sku", "name");
        assertThat(records.get(1).fields()).containsExactly("A1", "Crème brûlée");
    }

    @Test
    void unterminatedQuoteNamesTheLineItOpensOn() {
        assertThatThrownBy(() -> parse("a,b\n1,2\n3,\"never closed\n4,5\n"))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessageContaining("unterminated quote")
                .extracting(e -> ((MalformedCsvException) e).lines()).isEqualTo(List.of(3));
    }

    @Test
    void strayQuoteInsideAnUnquotedFieldIsMalformed() {
        assertThatThrownBy(() -> parse("a,b\n1,2 \"inch\"\n"))
                .isInstanceOf(MalformedCsvException.class)
                .extracting(e -> ((MalformedCsvException) e).lines()).isEqualTo(List.of(2));
    }

    @Test
    void textAfterAClosingQuoteIsMalformed() {
        assertThatThrownBy(() -> parse("a,b\n\"x\ny\"z,2\n"))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessageContaining("after the closing quote")
                .extracting(e -> ((MalformedCsvException) e).lines()).isEqualTo(List.of(3));
    }

    @Test
    void invalidUtf8NamesItsLine() {
        byte[] latin1 = "sku,name\nA1,ok\nA2,Cr\u00e8me\n".getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> parse(latin1))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessageContaining("not valid UTF-8")
                .extracting(e -> ((MalformedCsvException) e).lines()).isEqualTo(List.of(3));
    }

    @Test
    void charactersAndRecordsMayStraddleTheReadBuffer() {
        // 'é' is two bytes in UTF-8: shifting the text by one byte puts one of them across every 8 KiB boundary
        for (String lead : List.of("", "x")) {
            StringBuilder csv = new StringBuilder("sku,name\n");
            for (int i = 0; i < 3000; i++) {
                csv.append(lead).append(i).append(",\"é\n").append(i).append("\"\n");
            }

            List<CsvRecord> records = parse(csv.toString());

            assertThat(records).hasSize(3001);
            assertThat(records.get(3000)).isEqualTo(new CsvRecord(6000, List.of(lead + 2999, "é\n2999")));
        }
    }

    @Test
    void aStreamThatHandsOutOneByteAtATimeParsesTheSame() throws IOException {
        byte[] csv = "sku,name\r\nA1,\"Crème\r\nbrûlée\"\r\nA2,x".getBytes(StandardCharsets.UTF_8);
        InputStream trickle = new FilterInputStream(new ByteArrayInputStream(csv)) {
            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return super.read(buffer, offset, Math.min(length, 1));
            }
        };
        CsvParser parser = new CsvParser(trickle);

        assertThat(parser.next()).isEqualTo(new CsvRecord(1, List.of("sku", "name")));
        assertThat(parser.next()).isEqualTo(new CsvRecord(2, List.of("A1", "Crème\r\nbrûlée")));
        assertThat(parser.next()).isEqualTo(new CsvRecord(4, List.of("A2", "x")));
        assertThat(parser.next()).isNull();
    }

    @Test
    void invalidUtf8FarIntoTheBodyNamesItsLineAndByteOffset() {
        String rows = "sku,name\n" + "A1,ok\n".repeat(5000);
        byte[] valid = rows.getBytes(StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOf(valid, valid.length + 4);
        body[valid.length] = 'B';
        body[valid.length + 1] = ',';
        body[valid.length + 2] = (byte) 0xE8; // Latin-1 'è'
        body[valid.length + 3] = '\n';

        assertThatThrownBy(() -> parse(body))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessage("line 5002: the body is not valid UTF-8 (byte offset " + (valid.length + 2) + ")")
                .extracting(e -> ((MalformedCsvException) e).lines()).isEqualTo(List.of(5002));
    }

    @Test
    void emptyInputHasNoRecords() {
        assertThat(parse("")).isEmpty();
        assertThat(parse("\uFEFF\n\r\n")).isEmpty();
    }

    private static List<CsvRecord> parse(String text) {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<CsvRecord> parse(byte[] utf8) {
        CsvParser parser = new CsvParser(new ByteArrayInputStream(utf8));
        List<CsvRecord> records = new ArrayList<>();
        try {
            for (CsvRecord record = parser.next(); record != null; record = parser.next()) {
                records.add(record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }
}
