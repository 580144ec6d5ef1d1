package dev.ramp.engine.host.config;

/** The three plugin kinds, each configured under its own key of {@code ramp-config}. */
public enum PluginKind {
  STEP("stepPlugins", "step"),
  TRAFFIC_ROUTER("trafficRouterPlugins", "traffic-router"),
  METRIC_PROVIDER("metricProviderPlugins", "metric-provider");

  private final String configKey;
  private final String label;

  PluginKind(String configKey, String label) {
    this.configKey = configKey;
    this.label = label;
  }

  /** The ConfigMap key that lists plugins of this kind. */
  public String configKey() {
    return configKey;
  }

  /** How people name the kind in messages ("step plugin acme/x"). */
  public String label() {
    return label;
  }
}
