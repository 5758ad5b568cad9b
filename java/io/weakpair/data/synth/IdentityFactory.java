package io.weakpair.data.synth;

import io.weakpair.data.synth.Appearance.Build;
import io.weakpair.data.synth.Appearance.Carried;
import io.weakpair.data.synth.Appearance.Gender;
import io.weakpair.data.synth.Appearance.HairColour;
import io.weakpair.data.synth.Appearance.HairLength;
import io.weakpair.data.synth.Appearance.Headwear;
import io.weakpair.data.synth.Appearance.LowerType;
import io.weakpair.data.synth.Appearance.Pattern;
import io.weakpair.data.synth.Appearance.ShoeType;
import io.weakpair.data.synth.Appearance.Side;
import io.weakpair.data.synth.Appearance.UpperType;
import java.util.SplittableRandom;

/**
 * Draws identities from skewed attribute distributions (black and blue clothes are common,
 * as in street scenes, so many people share most attributes) and derives near-duplicates:
 * copies of a person with one or two traits changed, the hardest negatives.
 */
final class IdentityFactory {
    /** What a near-duplicate may differ in. */
    enum Trait {
        BUILD,
        HAIR_COLOUR,
        HAIR_LENGTH,
        HEADWEAR,
        UPPER_TYPE,
        UPPER_COLOUR,
        PATTERN,
        LOWER,
        SHOES,
        CARRIED,
        LOGO
    }

    private static final Colour[] COLOURS = Colour.values();
    private static final double[] COLOUR_WEIGHTS = weights(COLOURS);
    private static final Colour[] JEANS = {Colour.BLUE, Colour.BLACK, Colour.GREY};
    private static final double[] JEANS_WEIGHTS = {0.6, 0.25, 0.15};
    private static final Colour[] SHOE_COLOURS = {Colour.BLACK, Colour.WHITE, Colour.BROWN, Colour.GREY, Colour.RED};
    private static final double[] SHOE_WEIGHTS = {0.4, 0.3, 0.15, 0.1, 0.05};

    private final double viewDependentShare;

    /** @param viewDependentShare chance of carrying a view-dependent object, and (separately) of a front logo */
    IdentityFactory(double viewDependentShare) {
        this.viewDependentShare = viewDependentShare;
    }

    Identity draw(SplittableRandom rng) {
        Identity.Builder b = new Identity.Builder();
        b.gender = rng.nextBoolean() ? Gender.MALE : Gender.FEMALE;
        b.skinTone = rng.nextInt(4);
        for (Trait t : Trait.values()) redraw(b, t, rng);
        return b.build();
    }

    /** A copy of {@code base} with one or two traits drawn again to a different value. */
    Identity nearDuplicate(Identity base, SplittableRandom rng) {
        Identity.Builder b = base.toBuilder();
        int changes = rng.nextDouble() < 0.6 ? 1 : 2;
        Trait[] traits = Trait.values();
        Trait first = null;
        for (int c = 0; c < changes; c++) {
            Trait t;
            do {
                t = traits[rng.nextInt(traits.length)];
            } while (t == first);
            first = t;
            Identity before = b.build();
            for (int attempt = 0; attempt < 20 && b.build().equals(before); attempt++) redraw(b, t, rng);
        }
        return b.build();
    }

    private void redraw(Identity.Builder b, Trait trait, SplittableRandom rng) {
        boolean male = b.gender == Gender.MALE;
        switch (trait) {
            case BUILD -> b.build = Pick.weighted(rng, Build.values(), new double[] {0.3, 0.5, 0.2});
            case HAIR_COLOUR ->
                b.hairColour = Pick.weighted(rng, HairColour.values(), new double[] {0.4, 0.3, 0.15, 0.08, 0.07});
            case HAIR_LENGTH ->
                b.hairLength = Pick.weighted(
                        rng,
                        HairLength.values(),
                        male ? new double[] {0.75, 0.2, 0.05} : new double[] {0.15, 0.35, 0.5});
            case HEADWEAR -> {
                b.headwear = Pick.weighted(rng, Headwear.values(), new double[] {0.7, 0.14, 0.08, 0.08});
                b.headwearColour = colour(rng);
            }
            case UPPER_TYPE ->
                b.upperType = Pick.weighted(rng, UpperType.values(), new double[] {0.3, 0.2, 0.2, 0.12, 0.18});
            case UPPER_COLOUR -> {
                b.upperColour = colour(rng);
                b.patternColour = other(rng, b.upperColour);
                b.logoColour = other(rng, b.upperColour);
            }
            case PATTERN -> {
                b.upperPattern = Pick.weighted(rng, Pattern.values(), new double[] {0.7, 0.18, 0.12});
                b.patternColour = other(rng, b.upperColour);
            }
            case LOWER -> {
                b.lowerType = Pick.weighted(
                        rng,
                        LowerType.values(),
                        male ? new double[] {0.45, 0.4, 0.15, 0} : new double[] {0.3, 0.3, 0.15, 0.25});
                b.lowerColour = b.lowerType == LowerType.JEANS ? Pick.weighted(rng, JEANS, JEANS_WEIGHTS) : colour(rng);
            }
            case SHOES -> {
                b.shoeType = Pick.weighted(rng, ShoeType.values(), new double[] {0.5, 0.2, 0.3});
                b.shoeColour = Pick.weighted(rng, SHOE_COLOURS, SHOE_WEIGHTS);
            }
            case CARRIED -> {
                b.carried = Pick.chance(rng, viewDependentShare)
                        ? Pick.one(rng, Carried.BACKPACK, Carried.HANDBAG, Carried.SHOULDER_BAG)
                        : Carried.NONE;
                b.carriedColour = colour(rng);
                b.carriedSide = rng.nextBoolean() ? Side.LEFT : Side.RIGHT;
            }
            case LOGO -> {
                b.logo = Pick.chance(rng, viewDependentShare);
                b.logoColour = other(rng, b.upperColour);
            }
        }
        if (b.upperColour != null) {
            // Keep secondary colours distinguishable from the garment they sit on.
            if (b.patternColour == null || b.patternColour == b.upperColour)
                b.patternColour = other(rng, b.upperColour);
            if (b.logoColour == null || b.logoColour == b.upperColour) b.logoColour = other(rng, b.upperColour);
        }
    }

    private static Colour colour(SplittableRandom rng) {
        return Pick.weighted(rng, COLOURS, COLOUR_WEIGHTS);
    }

    private static Colour other(SplittableRandom rng, Colour not) {
        Colour c;
        do {
            c = colour(rng);
        } while (c == not);
        return c;
    }

    private static double[] weights(Colour[] colours) {
        double[] w = new double[colours.length];
        for (int i = 0; i < w.length; i++) w[i] = colours[i].weight();
        return w;
    }
}
