package dev.cutover.config;

import com.mongodb.ConnectionString;

/** Checks and masks MongoDB connection strings with the driver's own parser. */
public final class MongoUris {

    private MongoUris() {
    }

    /**
     * Returns the URI unchanged if the MongoDB driver accepts it.
     *
     * @throws IllegalArgumentException naming the problem, without the password
     */
    public static String validate(String uri) {
        try {
            new ConnectionString(uri);
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be a MongoDB connection string (mongodb:// or "
                    + "mongodb+srv://), but was '" + redacted(uri) + "': " + e.getMessage().replace(uri, redacted(uri)));
        }
    }

    /** The URI with its password masked: safe for logs, errors and health. */
    public static String redacted(String uri) {
        return dev.cutover.postgres.PostgresUri.maskCredentials(uri);
    }

    /**
     * The URI with cutover's timeouts and pool size added as options, unless it sets them itself.
     */
    public static String withDefaults(String uri, PoolSettings pools) {
        String result = uri;
        result = withOption(result, "serverSelectionTimeoutMS", pools.mongoTimeout().toMillis());
        result = withOption(result, "connectTimeoutMS", pools.mongoTimeout().toMillis());
        result = withOption(result, "maxPoolSize", pools.mongoPoolSize());
        return result;
    }

    private static String withOption(String uri, String option, long value) {
        if (uri.toLowerCase(java.util.Locale.ROOT).contains(option.toLowerCase(java.util.Locale.ROOT) + "=")) {
            return uri;
        }
        int query = uri.indexOf('?');
        if (query >= 0) {
            return uri + "&" + option + "=" + value;
        }
        // An option needs the path separator: mongodb://host/?option=1
        int schemeEnd = uri.indexOf("://") + 3;
        return uri.indexOf('/', schemeEnd) >= 0 ? uri + "?" + option + "=" + value
                : uri + "/?" + option + "=" + value;
    }
}
