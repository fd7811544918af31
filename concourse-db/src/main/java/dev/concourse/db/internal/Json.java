package dev.concourse.db.internal;

import dev.concourse.resource.MetadataField;
import dev.concourse.spi.storage.NextBuildInputs;
import dev.concourse.spi.storage.ResolvedInput;
import dev.concourse.spi.storage.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** JSON columns: maps written with sorted keys, so that equal maps give equal text (and hashes). */
final class Json {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private Json() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot store value as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String strings(Map<String, String> map) {
        return write(new TreeMap<>(map));
    }

    /**
     * The {@code error} event stored in place of {@code event}, whose JSON is longer than
     * {@code limit} characters: same sequence, the original's time and origin when it has them.
     */
    static StoredEvent oversizedEvent(StoredEvent event, int limit) {
        Map<String, Object> data = new LinkedHashMap<>();
        try {
            Object original = MAPPER.readValue(event.json(), new TypeReference<Map<String, Object>>() {
            }).get("data");
            if (original instanceof Map<?, ?> fields) {
                copy(fields, "time", data);
                copy(fields, "origin", data);
            }
        } catch (JacksonException e) {
            // Not JSON at all: the error event says what it was without time or origin.
        }
        data.put("message", "the build's " + event.type() + " event (number " + event.sequence() + ") was "
                + event.json().length() + " characters of JSON, more than the " + limit
                + " the database store keeps, so it was dropped; the version, metadata or output that made it"
                + " this large must be made smaller");
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("event", "error");
        envelope.put("version", "4.1");
        envelope.put("data", data);
        return new StoredEvent(event.sequence(), "error", write(envelope));
    }

    private static void copy(Map<?, ?> from, String key, Map<String, Object> to) {
        Object value = from.get(key);
        if (value != null) {
            to.put(key, value);
        }
    }

    static Map<String, String> readStrings(String json) {
        if (json == null) {
            return Map.of();
        }
        return MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {
        });
    }

    static Map<String, Object> readObjects(String json) {
        if (json == null) {
            return Map.of();
        }
        return MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {
        });
    }

    static String metadata(List<MetadataField> metadata) {
        List<List<String>> pairs = new ArrayList<>(metadata.size());
        metadata.forEach(m -> pairs.add(List.of(m.name(), m.value())));
        return write(pairs);
    }

    static List<MetadataField> readMetadata(String json) {
        if (json == null) {
            return List.of();
        }
        List<List<String>> pairs = MAPPER.readValue(json, new TypeReference<List<List<String>>>() {
        });
        return pairs.stream().map(p -> new MetadataField(p.get(0), p.get(1))).toList();
    }

    private record StoredInput(String name, long resourceId, long versionId, boolean firstOccurrence,
            List<Long> passedBuildIds, String resolveError) {
    }

    private record StoredNext(boolean determined, List<StoredInput> inputs) {
    }

    static String nextInputs(NextBuildInputs next) {
        List<StoredInput> inputs = next.inputs().stream()
                .map(i -> new StoredInput(i.name(), i.resourceId(), i.versionId(), i.firstOccurrence(),
                        i.passedBuildIds(), i.resolveError()))
                .toList();
        return write(new StoredNext(next.determined(), inputs));
    }

    static NextBuildInputs readNextInputs(String json) {
        StoredNext stored = MAPPER.readValue(json, StoredNext.class);
        return new NextBuildInputs(stored.determined(), stored.inputs().stream()
                .map(i -> new ResolvedInput(i.name(), i.resourceId(), i.versionId(), i.firstOccurrence(),
                        i.passedBuildIds(), i.resolveError()))
                .toList());
    }

    /** SHA-256 of the text as hex, for unique keys over text too long to index. */
    static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
