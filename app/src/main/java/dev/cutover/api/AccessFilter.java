package dev.cutover.api;

import dev.cutover.config.Settings;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Bearer-token access: {@code /api/**} needs {@code API_TOKEN}, {@code /admin/**} needs
 * {@code ADMIN_TOKEN}; the data token never opens the admin API. Tokens are compared as SHA-256
 * digests with {@link MessageDigest#isEqual}, so the comparison takes the same time whatever
 * was sent.
 */
@ServerFilter({"/api/**", "/admin/**"})
final class AccessFilter {

    private static final String BEARER = "Bearer ";

    private final byte[] apiDigest;
    private final byte[] adminDigest;

    AccessFilter(Settings settings) {
        this.apiDigest = digest(settings.apiToken().orElseThrow());
        this.adminDigest = digest(settings.adminToken().orElseThrow());
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> authorize(HttpRequest<?> request) {
        boolean admin = request.getPath().startsWith("/admin");
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.startsWith(BEARER)) {
            return refuse("a bearer token is required: send 'Authorization: Bearer <" + (admin ? "ADMIN_TOKEN" : "API_TOKEN")
                    + ">'");
        }
        byte[] presented = digest(header.substring(BEARER.length()).strip());
        if (!MessageDigest.isEqual(presented, admin ? adminDigest : apiDigest)) {
            return refuse("the bearer token is not valid for " + (admin ? "the admin API" : "the data API"));
        }
        return null;
    }

    private static HttpResponse<?> refuse(String detail) {
        return Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", detail)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"cutover\"");
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
