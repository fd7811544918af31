package dev.concourse.internal.runtime.tar;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** PAX extended header records: {@code "<length> <key>=<value>\n"}, the length counting itself. */
final class PaxRecords {
    private PaxRecords() {
    }

    static byte[] encode(Map<String, String> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        records.forEach((key, value) -> {
            byte[] body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
            int length = body.length + Integer.toString(body.length).length();
            if (Integer.toString(length).length() != Integer.toString(body.length).length()) {
                length++;
            }
            out.writeBytes(Integer.toString(length).getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(body);
        });
        return out.toByteArray();
    }

    /**
     * @throws IllegalArgumentException if a record is malformed (the message says which)
     */
    static Map<String, String> decode(byte[] data) {
        Map<String, String> records = new LinkedHashMap<>();
        int pos = 0;
        while (pos < data.length) {
            if (data[pos] == 0) {
                break; // some writers pad the records with NULs
            }
            int space = pos;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("malformed PAX record length at byte " + pos, e);
            }
            int end = pos + length;
            if (length <= 0 || space >= end || end > data.length || data[end - 1] != '\n') {
                throw new IllegalArgumentException("malformed PAX record at byte " + pos);
            }
            String record = new String(data, space + 1, end - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("PAX record without key at byte " + pos);
            }
            records.put(record.substring(0, eq), record.substring(eq + 1));
            pos = end;
        }
        return records;
    }
}
