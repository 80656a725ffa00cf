package dev.cutover.config;

/** How log lines are written: for people ({@code plain}) or for log shippers ({@code json}). */
public enum LogFormat {
    PLAIN,
    JSON
}
