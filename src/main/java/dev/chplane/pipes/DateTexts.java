package dev.chplane.pipes;

import java.nio.charset.StandardCharsets;

/**
 * The date and date-time texts that ClickHouse reads as they are and that the converter therefore
 * passes on unchanged: {@code YYYY-MM-DD} and {@code YYYY-MM-DD hh:mm:ss}, valid dates only.
 */
final class DateTexts {
  private DateTexts() {}

  /**
   * Whether {@code s} is a date-time as ClickHouse writes it, {@code YYYY-MM-DD hh:mm:ss}: passed
   * on as it is.
   */
  static boolean isClickHouseDateTime(String s) {
    return s.length() == 19 && isClickHouseDateTime(s.getBytes(StandardCharsets.ISO_8859_1), 0, 19);
  }

  /** The same check on {@code length} bytes at {@code at}. */
  static boolean isClickHouseDateTime(byte[] b, int at, int length) {
    if (length != 19
        || b[at + 10] != ' '
        || b[at + 13] != ':'
        || b[at + 16] != ':'
        || !isIsoDate(b, at, 10)) {
      return false;
    }
    int hour = twoDigits(b, at + 11);
    int minute = twoDigits(b, at + 14);
    int second = twoDigits(b, at + 17);
    return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
  }

  /**
   * Whether {@code length} bytes at {@code at} are a valid {@code YYYY-MM-DD} date, which the
   * converter passes on as it is.
   */
  static boolean isIsoDate(byte[] b, int at, int length) {
    if (length != 10 || b[at + 4] != '-' || b[at + 7] != '-') {
      return false;
    }
    int century = twoDigits(b, at);
    int years = twoDigits(b, at + 2);
    int month = twoDigits(b, at + 5);
    int day = twoDigits(b, at + 8);
    return century >= 0
        && years >= 0
        && month >= 1
        && month <= 12
        && day >= 1
        && day <= java.time.YearMonth.of(century * 100 + years, month).lengthOfMonth();
  }

  /** The number of the two ASCII digits at {@code at}, or -1. */
  private static int twoDigits(byte[] b, int at) {
    int x = b[at] - '0';
    int y = b[at + 1] - '0';
    return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : -1;
  }
}
