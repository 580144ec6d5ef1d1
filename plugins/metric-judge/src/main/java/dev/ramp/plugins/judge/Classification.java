package dev.ramp.plugins.judge;

/** A metric's class, as Kayenta names it; {@link #WAITING} is Ramp's (too few samples yet). */
enum Classification {
  PASS("Pass"),
  HIGH("High"),
  LOW("Low"),
  NODATA("Nodata"),
  NODATA_FAIL_METRIC("NodataFailMetric"),
  WAITING("Waiting");

  private final String label;

  Classification(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }
}
