package dev.redisboot.cache;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Collects the cache accesses of the request on the current thread and writes them as a
 * {@code Server-Timing} header value, so that the browser's developer tools show, for each
 * read, the cache and whether it hit the near cache, hit Redis or missed, and how long it
 * took: {@code cache;desc="products hit-near";dur=0.02, cache;desc="users miss";dur=0.41,
 * cache;desc="users load";dur=12.5}. Keys never appear, only cache names and outcomes. At
 * most {@code maxEntries} accesses are listed; the others are summed in one last entry
 * ({@code cache;desc="7 more";dur=3.1}).
 * <p>
 * A {@link CacheAccessListener} that records only between {@link #begin()} and
 * {@link Request#end()} on the same thread, which {@code CacheServerTimingFilter} calls
 * around each servlet request; accesses on other threads (asynchronous look-ups, background
 * refreshes) are not shown. Public for the auto-configuration; not API.
 *
 * @author redisboot
 */
public final class CacheServerTiming implements CacheAccessListener {

	/**
	 * Name of the response header.
	 */
	public static final String HEADER = "Server-Timing";

	private final ThreadLocal<@Nullable Request> current = new ThreadLocal<>();

	private final int maxEntries;

	/**
	 * Creates the listener.
	 * @param maxEntries most accesses listed per response; the others are summed in one
	 * entry
	 */
	public CacheServerTiming(int maxEntries) {
		Assert.isTrue(maxEntries > 0, "maxEntries must be positive");
		this.maxEntries = maxEntries;
	}

	@Override
	public void onAccess(CacheAccess access) {
		Request request = this.current.get();
		if (request != null) {
			request.add(access);
		}
	}

	/**
	 * Starts collecting the accesses of this thread.
	 * @return the collection, to {@link Request#end() end} on this thread
	 */
	public Request begin() {
		Request request = new Request();
		this.current.set(request);
		return request;
	}

	/**
	 * The accesses of one request.
	 */
	public final class Request {

		private final List<String> entries = new ArrayList<>();

		private int more;

		private long moreNanos;

		private Request() {
		}

		void add(CacheAccess access) {
			if (this.entries.size() < CacheServerTiming.this.maxEntries) {
				this.entries.add("cache;desc=\"" + quoted(access.cacheName()) + " " + access.outcome().label()
						+ "\";dur=" + millis(access.nanos()));
			}
			else {
				this.more++;
				this.moreNanos += access.nanos();
			}
		}

		/**
		 * The header value of the accesses so far.
		 * @return the value, or {@code null} when there were none
		 */
		public @Nullable String headerValue() {
			if (this.entries.isEmpty()) {
				return null;
			}
			String value = String.join(", ", this.entries);
			return (this.more > 0) ? value + ", cache;desc=\"" + this.more + " more\";dur=" + millis(this.moreNanos)
					: value;
		}

		/**
		 * Stops collecting on this thread.
		 */
		public void end() {
			CacheServerTiming.this.current.remove();
		}

	}

	/**
	 * A cache name inside a quoted string: quotes and backslashes escaped, control
	 * characters (which a header must not carry) replaced.
	 */
	private static String quoted(String name) {
		StringBuilder quoted = new StringBuilder(name.length());
		for (int i = 0; i < name.length() && i < 100; i++) {
			char c = name.charAt(i);
			if (c == '"' || c == '\\') {
				quoted.append('\\').append(c);
			}
			else {
				quoted.append((c < 0x20 || c >= 0x7f) ? '?' : c);
			}
		}
		return quoted.toString();
	}

	private static String millis(long nanos) {
		return BigDecimal.valueOf(nanos, 6).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
	}

}
