package org.quotaware.sample.it;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.UUID;

/**
 * RS256-signed JSON Web Tokens made in the test, with a key pair made for this run: the server is given the public key
 * ({@code mp.jwt.verify.publickey}) and verifies every token itself; the sample's configuration names the issuer.
 * Also the tokens a hostile caller would try: signed with another key, unsigned, with a claim changed after signing,
 * expired.
 */
final class SignedTokens {

    /** The sample's {@code mp.jwt.verify.issuer}. */
    static final String ISSUER = "https://issuer.quotaware.example";

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final KeyPair KEYS = keyPair();
    private static final KeyPair STRANGER = keyPair();
    private static final long HOUR = 3600;

    private SignedTokens() {
    }

    /** The public key as {@code mp.jwt.verify.publickey} takes it: the base64 of its X.509 encoding. */
    static String publicKey() {
        return Base64.getEncoder().encodeToString(KEYS.getPublic().getEncoded());
    }

    /** A token for {@code user}, with a {@code tenant_id} claim unless {@code tenant} is null; valid for an hour. */
    static String token(String user, String tenant) {
        return sign(header("RS256") + "." + payload(user, tenant, now()), KEYS.getPrivate());
    }

    /** The same token signed with a key the server does not know. */
    static String signedByAStranger(String user, String tenant) {
        return sign(header("RS256") + "." + payload(user, tenant, now()), STRANGER.getPrivate());
    }

    /** The same claims with {@code "alg":"none"} and no signature. */
    static String unsigned(String user, String tenant) {
        return header("none") + "." + payload(user, tenant, now()) + ".";
    }

    /** A genuine token of {@code user} in {@code tenant} whose tenant claim was then changed to {@code claimed}. */
    static String tenantChangedAfterSigning(String user, String tenant, String claimed) {
        String genuine = token(user, tenant);
        String signature = genuine.substring(genuine.lastIndexOf('.') + 1);
        return header("RS256") + "." + payload(user, claimed, now()) + "." + signature;
    }

    /** A token signed with the right key that expired an hour ago (issued two hours ago). */
    static String expired(String user, String tenant) {
        return sign(header("RS256") + "." + payload(user, tenant, now() - 2 * HOUR), KEYS.getPrivate());
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static String header(String alg) {
        return encode("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}");
    }

    /** The claims MicroProfile JWT requires (iss, sub, upn, exp, iat, jti, groups), and tenant_id when given. */
    private static String payload(String user, String tenant, long issuedAt) {
        return encode("{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + user + "\",\"upn\":\"" + user + "\",\"jti\":\""
                + UUID.randomUUID() + "\",\"iat\":" + issuedAt + ",\"exp\":" + (issuedAt + HOUR) + ","
                + "\"groups\":[\"user\"]" + (tenant == null ? "" : ",\"tenant_id\":\"" + tenant + "\"") + "}");
    }

    private static String encode(String json) {
        return URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String sign(String headerAndPayload, PrivateKey key) {
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(headerAndPayload.getBytes(StandardCharsets.US_ASCII));
            return headerAndPayload + "." + URL.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
