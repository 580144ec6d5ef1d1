/**
 * Metric providers, as a library: Argo Rollouts' {@code web} and {@code prometheus} providers
 * ({@code MetricProviders}), each taking a metric's provider spec as JSON and the run's args, and
 * answering one measurement's value or a one-line Error message. They do HTTP with the JDK's client
 * and nothing else: no Kubernetes API (the controller resolves Secrets into {@code MetricArgs}), no
 * clock (time is injected), no exception escapes a measurement.
 */
package dev.ramp.engine.provider;
