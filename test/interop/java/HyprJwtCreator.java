import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A client assertion signed the way HYPR documents its vanilla-Java JWTCreator, with JDK classes
 * only (run it as `java HyprJwtCreator.java -sub <client id> -keybase64 <client key> [-exp <epoch s>] [-out <file>]`):
 * ES256 over the base64 PKCS#8 client key, iss = aud = https://hypr.com, a random UUID as kid,
 * exp now + 1 hour unless given. It is the test's own program, not HYPR's.
 */
public class HyprJwtCreator {
    private static final String HYPR = "https://hypr.com";
    /** P-256: r and s are 32 bytes each in a JOSE signature (RFC 7518 3.4). */
    private static final int P256_INT_BYTES = 32;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        if (options.containsKey("-help") || !options.containsKey("-sub") || !options.containsKey("-keybase64")) {
            System.err.println("Usage: java HyprJwtCreator.java -sub <client id> -keybase64 <client key> [-exp <epoch seconds>] [-out <file>]");
            System.exit(options.containsKey("-help") ? 0 : 2);
        }
        long now = System.currentTimeMillis() / 1000;
        long exp = options.containsKey("-exp") ? Long.parseLong(options.get("-exp")) : now + 3600;
        String header = "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"" + UUID.randomUUID() + "\"}";
        String claims = "{\"iss\":\"" + HYPR + "\",\"sub\":" + quote(options.get("-sub")) + ",\"aud\":\"" + HYPR + "\",\"jti\":\""
                + UUID.randomUUID() + "\",\"iat\":" + now + ",\"exp\":" + exp + "}";
        String input = base64url(header.getBytes(StandardCharsets.UTF_8)) + "." + base64url(claims.getBytes(StandardCharsets.UTF_8));

        byte[] der = Base64.getDecoder().decode(options.get("-keybase64").trim());
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        Signature ecdsa = Signature.getInstance("SHA256withECDSA");
        ecdsa.initSign(key);
        ecdsa.update(input.getBytes(StandardCharsets.US_ASCII));
        String jwt = input + "." + base64url(derToJose(ecdsa.sign()));

        if (options.containsKey("-out")) Files.writeString(Path.of(options.get("-out")), jwt);
        else System.out.println(jwt);
    }

    /** Java signs ECDSA as a DER SEQUENCE of two INTEGERs; JOSE wants r and s as fixed-size big-endian halves. */
    static byte[] derToJose(byte[] der) {
        int offset = (der[1] & 0x80) != 0 ? 2 + (der[1] & 0x7f) : 2;
        byte[] jose = new byte[2 * P256_INT_BYTES];
        int rLength = der[offset + 1];
        copyInteger(der, offset + 2, rLength, jose, 0);
        int sOffset = offset + 2 + rLength;
        copyInteger(der, sOffset + 2, der[sOffset + 1], jose, P256_INT_BYTES);
        return jose;
    }

    /** A DER INTEGER may carry a leading zero byte or be shorter than the field: strip or left-pad. */
    private static void copyInteger(byte[] der, int start, int length, byte[] jose, int at) {
        while (length > P256_INT_BYTES) {
            start++;
            length--;
        }
        System.arraycopy(der, start, jose, at + P256_INT_BYTES - length, length);
    }

    private static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-help")) options.put("-help", "");
            else if (i + 1 < args.length) options.put(args[i], args[++i]);
        }
        return options;
    }
}
