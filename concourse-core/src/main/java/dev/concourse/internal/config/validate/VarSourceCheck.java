package dev.concourse.internal.config.validate;

import dev.concourse.internal.config.GoDuration;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What can be checked of a credential manager's {@code config} without the manager: the errors
 * of Concourse's {@code ManagerFactory.NewInstance} ({@link #createError}) and
 * {@code Manager.Validate} ({@link #validateError}) that depend on the config alone.
 *
 * @param createError   why the manager could not be created, or null
 * @param validateError why the created manager is invalid, or null
 */
record VarSourceCheck(String createError, String validateError) {
    private static final VarSourceCheck OK = new VarSourceCheck(null, null);

    private static final Set<String> VAULT_KEYS = Set.of(
            "url", "path_prefix", "lookup_templates", "shared_path", "namespace", "login_timeout",
            "query_timeout", "enable_kv_mount_cache", "disable_srv_lookup", "ca_cert", "client_cert",
            "client_key", "server_name", "insecure_skip_verify", "client_token", "client_token_path",
            "auth_backend", "auth_backend_max_ttl", "auth_retry_max", "auth_retry_initial", "auth_params");
    private static final Set<String> SSM_KEYS = Set.of(
            "access_key", "secret_key", "session_token", "region", "pipeline_secret_template",
            "team_secret_template", "shared_path");
    private static final Set<String> SECRETSMANAGER_KEYS = Set.of(
            "access_key", "secret_key", "session_token", "region", "pipeline_secret_template",
            "team_secret_template", "shared_secret_template");
    private static final Set<String> SUBJECT_SCOPES = Set.of("", "team", "pipeline", "instance", "job");
    private static final Duration MAX_EXPIRES_IN = Duration.ofHours(24);

    private static VarSourceCheck create(String error) {
        return new VarSourceCheck(error, null);
    }

    private static VarSourceCheck invalid(String error) {
        return new VarSourceCheck(null, error);
    }

    static VarSourceCheck of(String type, Map<String, Object> config) {
        return switch (type) {
            case "dummy" -> dummy(config);
            case "vault" -> vault(config);
            case "ssm" -> aws(config, SSM_KEYS, List.of("pipeline_secret_template", "team_secret_template"));
            case "secretsmanager" -> aws(config, SECRETSMANAGER_KEYS,
                    List.of("pipeline_secret_template", "team_secret_template", "shared_secret_template"));
            case "idtoken" -> idtoken(config);
            default -> OK;
        };
    }

    private static VarSourceCheck dummy(Map<String, Object> config) {
        Object vars = config.get("vars");
        if (!(vars instanceof Map<?, ?>)) {
            return create("invalid vars config: " + goType(vars));
        }
        return OK;
    }

    private static VarSourceCheck vault(Map<String, Object> config) {
        String unused = unusedKeys(config, VAULT_KEYS);
        if (unused != null) {
            return create(unused);
        }
        String url = string(config.get("url"));
        String scheme;
        String host;
        try {
            URI uri = new URI(url);
            scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            host = uri.getHost() != null ? uri.getHost() : uri.getRawAuthority();
        } catch (URISyntaxException e) {
            return invalid("invalid URL: " + e.getMessage());
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return invalid("invalid scheme " + goQuote(scheme) + ": must be http or https");
        }
        if (host == null || host.isEmpty()) {
            return invalid("URL must specify a host");
        }
        if (config.containsKey("path_prefix") && string(config.get("path_prefix")).isEmpty()) {
            return invalid("path prefix must be a non-empty string");
        }
        for (String key : List.of("client_token", "client_token_path", "auth_backend")) {
            if (!string(config.get(key)).isEmpty()) {
                return OK;
            }
        }
        return invalid("must configure client token or auth backend");
    }

    private static VarSourceCheck aws(Map<String, Object> config, Set<String> keys, List<String> templates) {
        String unused = unusedKeys(config, keys);
        if (unused != null) {
            return create(unused);
        }
        for (String template : templates) {
            if (config.containsKey(template) && string(config.get(template)).isEmpty()) {
                return invalid("secret template should not be empty");
            }
        }
        String accessKey = string(config.get("access_key"));
        String secretKey = string(config.get("secret_key"));
        String sessionToken = string(config.get("session_token"));
        if (accessKey.isEmpty() && secretKey.isEmpty() && sessionToken.isEmpty()) {
            return OK;
        }
        if (accessKey.isEmpty()) {
            return invalid("must provide aws access key id");
        }
        if (secretKey.isEmpty()) {
            return invalid("must provide aws secret access key");
        }
        return OK;
    }

    private static VarSourceCheck idtoken(Map<String, Object> config) {
        String subjectScope = "pipeline";
        Duration expiresIn = Duration.ofHours(1);
        String algorithm = "RS256";
        for (Map.Entry<String, Object> entry : config.entrySet()) {
            Object value = entry.getValue();
            switch (entry.getKey()) {
                case "audience" -> {
                    if (!(value instanceof List<?> list)) {
                        return create("invalid idtoken provider config: audience must be a list of strings");
                    }
                    for (Object audience : list) {
                        if (!(audience instanceof String)) {
                            return create("invalid idtoken provider config: invalid audience value: " + audience);
                        }
                    }
                }
                case "subject_scope" -> {
                    if (!(value instanceof String s)) {
                        return create("invalid idtoken provider config: subject_scope must be a string");
                    }
                    subjectScope = s;
                }
                case "expires_in" -> {
                    if (!(value instanceof String s)) {
                        return create("invalid idtoken provider config: expires_in must be a string");
                    }
                    var error = GoDuration.validate(s);
                    if (error.isPresent()) {
                        return create("invalid idtoken provider config: invalid expires_in value: " + error.get());
                    }
                    expiresIn = GoDuration.parse(s);
                }
                case "algorithm" -> {
                    if (!(value instanceof String s)) {
                        return create("invalid idtoken provider config: algorithm must be a string");
                    }
                    algorithm = s;
                }
                default -> {
                    return create("invalid idtoken provider config: unknown setting: " + entry.getKey());
                }
            }
        }
        if (!SUBJECT_SCOPES.contains(subjectScope)) {
            return invalid("invalid subject_scope value: " + subjectScope);
        }
        if (expiresIn.compareTo(MAX_EXPIRES_IN) > 0) {
            return invalid("expires_in must be <= " + GoDuration.format(MAX_EXPIRES_IN));
        }
        if (!algorithm.equals("RS256") && !algorithm.equals("ES256")) {
            return invalid("invalid algorithm value: " + algorithm + ". Only RS256 and ES256 are supported");
        }
        return OK;
    }

    /** mapstructure's ErrorUnused message, keys sorted. */
    private static String unusedKeys(Map<String, Object> config, Set<String> known) {
        TreeSet<String> unknown = new TreeSet<>(config.keySet());
        unknown.removeAll(known);
        return unknown.isEmpty() ? null : "'' has invalid keys: " + String.join(", ", unknown);
    }

    private static String string(Object value) {
        return value == null ? "" : String.valueOf(value);
    }

    /** Go's {@code %T} of a value decoded from JSON. */
    static String goType(Object value) {
        if (value == null) {
            return "<nil>";
        }
        if (value instanceof Map<?, ?>) {
            return "map[string]interface {}";
        }
        if (value instanceof List<?>) {
            return "[]interface {}";
        }
        if (value instanceof Number) {
            return "float64";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        return "string";
    }

    private static String goQuote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
