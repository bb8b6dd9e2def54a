package org.quotaware.cdi.it;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.UUID;

/**
 * RS256-signed JSON Web Tokens made in the test, with a key pair of its own: the server is given the public key
 * ({@code mp.jwt.verify.publickey}) and the issuer, and verifies every token itself.
 */
final class SignedTokens {

    static final String ISSUER = "https://quotaware.test/issuer";

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final KeyPair KEYS = keyPair();

    private SignedTokens() {
    }

    /** The public key as {@code mp.jwt.verify.publickey} takes it: the base64 of its X.509 encoding. */
    static String publicKey() {
        return Base64.getEncoder().encodeToString(KEYS.getPublic().getEncoded());
    }

    /** A token for {@code subject}, with a {@code tenant_id} claim unless {@code tenant} is null; valid for an hour. */
    static String token(String subject, String tenant) {
        long now = System.currentTimeMillis() / 1000;
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String payload = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + subject + "\",\"upn\":\"" + subject + "\","
                + "\"jti\":\"" + UUID.randomUUID() + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + ","
                + "\"groups\":[\"user\"]" + (tenant == null ? "" : ",\"tenant_id\":\"" + tenant + "\"") + "}";
        String signed = URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + URL.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(KEYS.getPrivate());
            rs256.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + URL.encodeToString(rs256.sign());
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
