package dev.redisboot.sample;

import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The metric names a PromQL expression reads, found by a small tokenizer rather than a full
 * parser: what is left of an expression once strings, label matchers ({@code {...}}), range
 * and subquery durations ({@code [5m]}), numbers and durations, Grafana variables
 * ({@code $job}, {@code ${datasource}}, {@code $__rate_interval}), label lists of
 * {@code by}, {@code without}, {@code on}, {@code ignoring}, {@code group_left} and
 * {@code group_right}, function and aggregation names (an identifier followed by {@code (},
 * or an aggregation followed by {@code by} or {@code without}) and keywords are skipped is
 * the set of metric names. A selector written as {@code {__name__="..."}} names no metric
 * here.
 *
 * @author redisboot
 */
final class PromQlMetricNames {

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf",
			"nan");

	private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
			"group_right");

	private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
			"count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");

	private PromQlMetricNames() {
	}

	/**
	 * Returns the metric names an expression reads.
	 * @param expression a PromQL expression, possibly with Grafana variables
	 * @return the names, sorted
	 * @throws IllegalArgumentException if a string, matcher, range or label list is not
	 * closed
	 */
	static SortedSet<String> in(String expression) {
		SortedSet<String> names = new TreeSet<>();
		int length = expression.length();
		int i = 0;
		while (i < length) {
			char c = expression.charAt(i);
			if (c == '"' || c == '\'' || c == '`') {
				i = skipString(expression, i);
			}
			else if (c == '#') {
				int end = expression.indexOf('\n', i);
				i = (end < 0) ? length : end + 1;
			}
			else if (c == '{') {
				i = skipPast(expression, i, '}');
			}
			else if (c == '[') {
				i = skipPast(expression, i, ']');
			}
			else if (c == '$') {
				i = skipVariable(expression, i);
			}
			else if (isDigit(c) || (c == '.' && i + 1 < length && isDigit(expression.charAt(i + 1)))) {
				// 0.99, 1e3, 0x1f, 5m, 1h30m: letters and digits run together
				while (i < length && (Character.isLetterOrDigit(expression.charAt(i)) || expression.charAt(i) == '.'
						|| expression.charAt(i) == '_')) {
					i++;
				}
			}
			else if (isIdentifierStart(c)) {
				int end = i;
				while (end < length && isIdentifierPart(expression.charAt(end))) {
					end++;
				}
				String word = expression.substring(i, end);
				String keyword = word.toLowerCase(Locale.ROOT);
				int next = skipWhitespace(expression, end);
				boolean call = next < length && expression.charAt(next) == '(';
				if (LABEL_LIST_KEYWORDS.contains(keyword)) {
					i = call ? skipPast(expression, next, ')') : end;
				}
				else if (KEYWORDS.contains(keyword) || call
						|| (AGGREGATIONS.contains(keyword) && startsWithGrouping(expression, next))) {
					i = end;
				}
				else {
					names.add(word);
					i = end;
				}
			}
			else {
				i++;
			}
		}
		return names;
	}

	private static boolean startsWithGrouping(String expression, int from) {
		for (String grouping : new String[] { "by", "without" }) {
			int end = from + grouping.length();
			if (expression.regionMatches(true, from, grouping, 0, grouping.length())
					&& (end == expression.length() || !isIdentifierPart(expression.charAt(end)))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Skips from an opening character to just past its closing one, skipping strings in
	 * between (a label value may contain the closing character).
	 */
	private static int skipPast(String expression, int open, char close) {
		int i = open + 1;
		while (i < expression.length()) {
			char c = expression.charAt(i);
			if (c == close) {
				return i + 1;
			}
			i = (c == '"' || c == '\'' || c == '`') ? skipString(expression, i) : i + 1;
		}
		throw new IllegalArgumentException(
				"'" + expression.charAt(open) + "' at " + open + " is not closed by '" + close + "' in: " + expression);
	}

	private static int skipString(String expression, int open) {
		char quote = expression.charAt(open);
		int i = open + 1;
		while (i < expression.length()) {
			char c = expression.charAt(i);
			if (c == '\\' && quote != '`') {
				i += 2;
			}
			else if (c == quote) {
				return i + 1;
			}
			else {
				i++;
			}
		}
		throw new IllegalArgumentException("String at " + open + " is not closed in: " + expression);
	}

	/**
	 * Skips a Grafana variable: {@code $name}, {@code $__rate_interval} or
	 * {@code ${name}}, {@code ${name:format}}.
	 */
	private static int skipVariable(String expression, int dollar) {
		int i = dollar + 1;
		if (i < expression.length() && expression.charAt(i) == '{') {
			return skipPast(expression, i, '}');
		}
		while (i < expression.length()
				&& (Character.isLetterOrDigit(expression.charAt(i)) || expression.charAt(i) == '_')) {
			i++;
		}
		return i;
	}

	private static int skipWhitespace(String expression, int from) {
		int i = from;
		while (i < expression.length() && Character.isWhitespace(expression.charAt(i))) {
			i++;
		}
		return i;
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

	private static boolean isIdentifierStart(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
	}

	private static boolean isIdentifierPart(char c) {
		return isIdentifierStart(c) || isDigit(c);
	}

}
