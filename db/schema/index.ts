export * from "./users";
export * from "./amc";
export * from "./templates";
export * from "./dashboards";
export * from "./collections";
export * from "./workflows";
export * from "./reports";
export * from "./views";
