package dev.redisboot.sample.notification;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the notification stream ({@code sample.notifications.*}).
 *
 * @param maxSubscribers browsers one instance streams to at once; more get 503
 * @param keepAlive how often an idle stream gets a comment line, so that proxies do not
 * close it and a browser that left is noticed
 * @param timeout how long one stream lasts before the server ends it; the browser's
 * {@code EventSource} then connects again by itself
 * @author redisboot
 */
@ConfigurationProperties("sample.notifications")
public record NotificationProperties(@DefaultValue("1000") int maxSubscribers, @DefaultValue("15s") Duration keepAlive,
		@DefaultValue("30m") Duration timeout) {

}
