package dev.ramp.plugins.gatewayapi;

import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.TrafficRouting.StringMatch;

/**
 * A header match's value as Gateway API types it. Gateway API has no prefix match for headers: a
 * prefix becomes a {@code RegularExpression} anchored at the start with the prefix quoted. Support
 * for {@code RegularExpression} is implementation-specific in Gateway API (Envoy-based gateways
 * speak RE2, NGINX PCRE); {@code Exact} is core.
 */
record TypedValue(String type, String value) {

  static final String EXACT = "Exact";
  static final String REGULAR_EXPRESSION = "RegularExpression";

  static TypedValue header(String field, String headerName, StringMatch match) {
    if (headerName == null || headerName.isBlank()) {
      throw new InvalidConfigException(field + ".headerName", "is required");
    }
    if (match == null) {
      throw new InvalidConfigException(
          field + ".headerValue", "needs one of exact, prefix or regex for header " + headerName);
    }
    return switch (match.type()) {
      case EXACT -> new TypedValue(EXACT, match.value());
      case PREFIX -> new TypedValue(REGULAR_EXPRESSION, Regex.prefix(match.value()));
      case REGEX -> new TypedValue(REGULAR_EXPRESSION, match.value());
    };
  }
}
