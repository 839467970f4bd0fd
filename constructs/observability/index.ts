/** Observability of the platform: metric catalog, monitors, alerts, dashboard and token accounting. */
export * from './metric-names';
export * from './alert-rules';
export * from './grafana-dashboard';
export * from './platform-monitoring';
export * from './token-accounting';
