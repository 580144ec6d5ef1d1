package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.Json;
import java.nio.charset.StandardCharsets;

/**
 * Argo's pod-template hash, computed on the canonical JSON of the template as written (sorted keys,
 * no nulls): FNV-32a of those bytes, then of the collision count as four little-endian bytes padded
 * to eight (as Argo writes it), its decimal rendering mapped to the safe alphabet.
 */
final class PodTemplateHash {
  static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private PodTemplateHash() {}

  static String of(JsonNode template, Integer collisionCount) {
    int h = fnv1a(0x811c9dc5, Json.canonicalString(template).getBytes(StandardCharsets.UTF_8));
    if (collisionCount != null) {
      byte[] count = new byte[8];
      int c = collisionCount;
      count[0] = (byte) c;
      count[1] = (byte) (c >>> 8);
      count[2] = (byte) (c >>> 16);
      count[3] = (byte) (c >>> 24);
      h = fnv1a(h, count);
    }
    return safeEncode(Integer.toUnsignedString(h));
  }

  /** The hash of the step list, for {@code status.currentStepHash}. */
  static String ofSteps(JsonNode steps) {
    int h = fnv1a(0x811c9dc5, Json.canonicalString(steps).getBytes(StandardCharsets.UTF_8));
    return safeEncode(Integer.toUnsignedString(h));
  }

  static int fnv1a(int seed, byte[] bytes) {
    int h = seed;
    for (byte b : bytes) {
      h ^= (b & 0xff);
      h *= 0x01000193;
    }
    return h;
  }

  /** Kubernetes' rand.SafeEncodeString: each character mapped into an alphabet without vowels. */
  static String safeEncode(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      out.append(ALPHABET.charAt(s.charAt(i) % ALPHABET.length()));
    }
    return out.toString();
  }
}
