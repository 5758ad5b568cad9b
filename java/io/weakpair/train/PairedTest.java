package io.weakpair.train;

import java.util.Locale;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Whether one variant beats another across seeds, from the paired differences (variant minus
 * reference, one per seed): their mean and sample standard deviation, the wins, and two
 * two-sided tests of "no difference". The sign test assumes nothing about the differences'
 * distribution (ties are dropped); the paired t-test assumes they are roughly normal and uses
 * their size. With 5 seeds the sign test cannot go below p = 0.0625: 5/5 wins is as strong as
 * it gets, which is why the t-test stands beside it.
 *
 * @param n       pairs
 * @param mean    mean difference
 * @param sd      sample standard deviation of the differences (0 for one pair)
 * @param wins    pairs with a positive difference
 * @param losses  pairs with a negative difference
 * @param signP   two-sided exact sign-test p-value
 * @param t       the paired t statistic (NaN when undefined: one pair, or all differences equal)
 * @param tP      its two-sided p-value with n - 1 degrees of freedom (NaN when t is)
 */
public record PairedTest(int n, double mean, double sd, int wins, int losses, double signP, double t, double tP) {

    public static PairedTest of(double[] differences) {
        int n = differences.length;
        if (n == 0) throw new IllegalArgumentException("paired test: no pairs");
        double mean = 0;
        for (double d : differences) mean += d / n;
        double ss = 0;
        int wins = 0, losses = 0;
        for (double d : differences) {
            ss += (d - mean) * (d - mean);
            if (d > 0) wins++;
            else if (d < 0) losses++;
        }
        double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
        return new PairedTest(
                n, mean, sd, wins, losses, signTest(wins, losses), tStatistic(mean, sd, n), tP(mean, sd, n));
    }

    /** Two-sided exact binomial test of wins against losses at one half; 1 when every pair ties. */
    static double signTest(int wins, int losses) {
        int m = wins + losses;
        if (m == 0) return 1;
        BinomialDistribution b = new BinomialDistribution(null, m, 0.5);
        return Math.min(1, 2 * b.cumulativeProbability(Math.min(wins, losses)));
    }

    private static double tStatistic(double mean, double sd, int n) {
        return n < 2 || sd == 0 ? Double.NaN : mean / (sd / Math.sqrt(n));
    }

    private static double tP(double mean, double sd, int n) {
        double t = tStatistic(mean, sd, n);
        if (Double.isNaN(t)) return Double.NaN;
        return 2 * new TDistribution(null, n - 1).cumulativeProbability(-Math.abs(t));
    }

    /** "+0.43 ± 0.20, 3/3, sign p 0.25, t p 0.04" for a table cell. */
    public String describe() {
        return String.format(Locale.ROOT, "%+.2f ± %.2f, %d/%d, sign p %s, t p %s", mean, sd, wins, n, p(signP), p(tP));
    }

    private static String p(double p) {
        return Double.isNaN(p) ? "n/a" : p < 0.001 ? "<0.001" : String.format(Locale.ROOT, "%.3f", p);
    }
}
