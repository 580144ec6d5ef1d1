package dev.ramp.engine.host.artifact;

import dev.ramp.engine.host.artifact.PluginArtifactException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Turns a plugin entry's {@code location} into a local file that matches its {@code sha256}.
 *
 * <p>{@code file://} locations (or bare absolute paths) are used in place and checked when a sha256
 * is given. {@code https://} locations must carry a sha256: they are downloaded once, with a
 * timeout, into a cache keyed by that sha256, and checked before anything runs; a later start (or
 * another controller replica's restart with the same cache volume) uses the cached file. {@code
 * http://} is accepted for loopback hosts only (local mirrors, tests, the demo). Every failure is a
 * {@link PluginArtifactException} naming the plugin, the location and what to do; it refuses that
 * plugin only.
 */
public final class PluginArtifacts {

  /** Downloads larger than this are refused: a plugin is a JAR or a binary, not a disk image. */
  static final long MAX_BYTES = 512L * 1024 * 1024;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Path cacheDir;
  private final HttpClient http;
  private final Duration downloadTimeout;
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

  public PluginArtifacts(Path cacheDir, Duration downloadTimeout) {
    this(
        cacheDir,
        HttpClient.newBuilder()
            .connectTimeout(downloadTimeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build(),
        downloadTimeout);
  }

  PluginArtifacts(Path cacheDir, HttpClient http, Duration downloadTimeout) {
    this.cacheDir = cacheDir;
    this.http = http;
    this.downloadTimeout = downloadTimeout;
  }

  /**
   * The local file for a plugin.
   *
   * @param plugin the plugin's configured name, for messages
   * @param sha256 the expected lower- or upper-case hex digest, or null/blank for none
   */
  public Path resolve(String plugin, String location, String sha256) {
    String expected = normalizeSha256(plugin, sha256);
    URI uri = parse(plugin, location);
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "file" -> {
        Path file = Path.of(uri);
        checkLocal(plugin, file);
        if (expected != null) {
          verify(plugin, location, file, expected);
        }
        return file;
      }
      case "https", "http" -> {
        if ("http".equals(scheme) && !isLoopback(uri.getHost())) {
          throw new PluginArtifactException(
              Reason.BAD_LOCATION,
              "plugin "
                  + plugin
                  + ": location "
                  + location
                  + " uses http:// to a non-loopback host; use https://");
        }
        if (expected == null) {
          throw new PluginArtifactException(
              Reason.SHA256_REQUIRED,
              "plugin "
                  + plugin
                  + ": location "
                  + location
                  + " is remote and needs a sha256 in its entry (sha256sum of the file)");
        }
        return cached(plugin, uri, expected);
      }
      default ->
          throw new PluginArtifactException(
              Reason.BAD_LOCATION,
              "plugin "
                  + plugin
                  + ": location "
                  + location
                  + " has scheme '"
                  + scheme
                  + "'; supported are file:// (or an absolute path) and https://");
    }
  }

  private Path cached(String plugin, URI uri, String sha256) {
    Path dir = cacheDir.resolve("sha256").resolve(sha256);
    Path file = dir.resolve(fileName(uri));
    // One download per artifact at a time; other artifacts proceed in parallel.
    synchronized (locks.computeIfAbsent(sha256, k -> new Object())) {
      if (Files.isRegularFile(file)) {
        if (sha256.equals(digest(plugin, file))) {
          return file;
        }
        // A corrupted cache entry is replaced, never trusted.
        deleteQuietly(file);
      }
      download(plugin, uri, dir, file, sha256);
      return file;
    }
  }

  private void download(String plugin, URI uri, Path dir, Path file, String sha256) {
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, ".download-", ".part");
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(downloadTimeout).GET().build();
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      int status = response.statusCode();
      if (status != 200) {
        response.body().close();
        throw new PluginArtifactException(
            status == 404 || status == 410 ? Reason.NOT_FOUND : Reason.DOWNLOAD_FAILED,
            "plugin " + plugin + ": download of " + uri + " answered HTTP " + status);
      }
      copyChecked(plugin, uri, response.body(), tmp, sha256);
      // Executables must stay executable; only the controller's user may touch the file.
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (HttpConnectTimeoutException e) {
      throw new PluginArtifactException(
          Reason.TIMEOUT, timedOut(plugin, "connecting to " + uri), e);
    } catch (HttpTimeoutException e) {
      throw new PluginArtifactException(Reason.TIMEOUT, timedOut(plugin, "download of " + uri), e);
    } catch (ConnectException | UnknownHostException e) {
      throw new PluginArtifactException(
          Reason.UNREACHABLE,
          "plugin " + plugin + ": cannot reach " + uri + " (" + describe(e) + ")",
          e);
    } catch (IOException e) {
      Throwable cause = e.getCause();
      Reason reason =
          cause instanceof ConnectException || cause instanceof UnknownHostException
              ? Reason.UNREACHABLE
              : Reason.DOWNLOAD_FAILED;
      throw new PluginArtifactException(
          reason, "plugin " + plugin + ": download of " + uri + " failed: " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PluginArtifactException(
          Reason.DOWNLOAD_FAILED, "plugin " + plugin + ": download of " + uri + " interrupted", e);
    } finally {
      if (tmp != null) {
        deleteQuietly(tmp);
      }
    }
  }

  /**
   * Copies a download's body to {@code tmp}, at most {@link #MAX_BYTES}, and checks its sha256
   * against the expected one.
   */
  private static void copyChecked(String plugin, URI uri, InputStream body, Path tmp, String sha256)
      throws IOException {
    MessageDigest digest = sha256Digest();
    long total = 0;
    try (InputStream in = body;
        OutputStream out = Files.newOutputStream(tmp)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        total += n;
        if (total > MAX_BYTES) {
          throw new PluginArtifactException(
              Reason.DOWNLOAD_FAILED,
              "plugin " + plugin + ": download of " + uri + " exceeds " + MAX_BYTES + " bytes");
        }
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (!actual.equals(sha256)) {
      throw new PluginArtifactException(
          Reason.CHECKSUM_MISMATCH,
          "plugin "
              + plugin
              + ": "
              + uri
              + " has sha256 "
              + actual
              + " but the entry expects "
              + sha256
              + "; nothing was started");
    }
  }

  private static void checkLocal(String plugin, Path file) {
    if (!Files.exists(file)) {
      throw new PluginArtifactException(
          Reason.NOT_FOUND, "plugin " + plugin + ": file " + file + " does not exist");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new PluginArtifactException(
          Reason.UNREADABLE,
          "plugin " + plugin + ": file " + file + " is not a readable regular file");
    }
  }

  private static void verify(String plugin, String location, Path file, String expected) {
    String actual = digest(plugin, file);
    if (!actual.equals(expected)) {
      throw new PluginArtifactException(
          Reason.CHECKSUM_MISMATCH,
          "plugin "
              + plugin
              + ": "
              + location
              + " has sha256 "
              + actual
              + " but the entry expects "
              + expected
              + "; nothing was started");
    }
  }

  /** The hex sha256 of a file. */
  static String digest(String plugin, Path file) {
    try {
      return sha256(file);
    } catch (NoSuchFileException e) {
      throw new PluginArtifactException(
          Reason.NOT_FOUND, "plugin " + plugin + ": file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new PluginArtifactException(
          Reason.UNREADABLE, "plugin " + plugin + ": cannot read " + file + ": " + describe(e), e);
    }
  }

  /** The lower-case hex sha256 of a file, read as a stream. */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256Digest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static String normalizeSha256(String plugin, String sha256) {
    if (sha256 == null || sha256.isBlank()) {
      return null;
    }
    String hex = sha256.trim().toLowerCase(Locale.ROOT);
    if (hex.startsWith("sha256:")) {
      hex = hex.substring("sha256:".length());
    }
    if (!SHA256.matcher(hex).matches()) {
      throw new PluginArtifactException(
          Reason.BAD_LOCATION,
          "plugin " + plugin + ": sha256 '" + sha256 + "' is not 64 hexadecimal digits");
    }
    return hex;
  }

  private static URI parse(String plugin, String location) {
    if (location == null || location.isBlank()) {
      throw new PluginArtifactException(
          Reason.BAD_LOCATION, "plugin " + plugin + ": location is empty");
    }
    if (location.startsWith("/")) {
      return Path.of(location).toUri();
    }
    try {
      URI uri = new URI(location);
      if (uri.getScheme() == null) {
        throw new PluginArtifactException(
            Reason.BAD_LOCATION,
            "plugin "
                + plugin
                + ": location "
                + location
                + " is neither an absolute path nor a file:// or https:// URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new PluginArtifactException(
          Reason.BAD_LOCATION,
          "plugin " + plugin + ": location " + location + " is not a URL: " + e.getReason());
    }
  }

  private static String fileName(URI uri) {
    String path = uri.getPath() == null ? "" : uri.getPath();
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.isBlank() || name.startsWith(".") ? "plugin" : name;
  }

  private static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // A leftover temp file is harmless: the next download writes a new one.
    }
  }

  private String timedOut(String plugin, String what) {
    return "plugin "
        + plugin
        + ": "
        + what
        + " timed out after "
        + dev.ramp.engine.model.GoDuration.format(downloadTimeout);
  }
}
