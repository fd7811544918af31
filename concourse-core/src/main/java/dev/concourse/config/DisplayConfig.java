package dev.concourse.config;

/**
 * How the pipeline looks in a UI ({@code display}).
 *
 * @param backgroundImage  an http(s) or relative URL, or null
 * @param backgroundFilter a CSS filter, or null
 */
public record DisplayConfig(String backgroundImage, String backgroundFilter) {
}
