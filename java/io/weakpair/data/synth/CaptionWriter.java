package io.weakpair.data.synth;

import io.weakpair.data.synth.Appearance.Carried;
import io.weakpair.data.synth.Appearance.HairColour;
import io.weakpair.data.synth.Appearance.HairLength;
import io.weakpair.data.synth.Appearance.Headwear;
import io.weakpair.data.synth.Appearance.LowerType;
import io.weakpair.data.synth.Appearance.Pattern;
import io.weakpair.data.synth.Appearance.ShoeType;
import io.weakpair.data.synth.Appearance.UpperType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes a caption like an annotator who looks at one image: it mentions only attributes the
 * image shows, leaves each out at the omission rate, uses synonyms and varied sentence
 * shapes and orders, and gets a value word wrong at the noise rate (a colour, a garment
 * type, a hair length; never an object that is not there, so a view-dependent attribute is
 * mentioned only when its image shows it).
 */
final class CaptionWriter {
    /** Annotators mention build much less often than clothes. */
    private static final double BUILD_MENTION = 0.4;

    private static final EnumSet<AttributeKind> CONTENT =
            EnumSet.complementOf(EnumSet.of(AttributeKind.GENDER, AttributeKind.BUILD));

    private final double omissionRate;
    private final double noiseRate;

    CaptionWriter(double omissionRate, double noiseRate) {
        this.omissionRate = omissionRate;
        this.noiseRate = noiseRate;
    }

    Caption write(Identity p, Set<AttributeKind> visible, SplittableRandom rng) {
        EnumSet<AttributeKind> said = EnumSet.of(AttributeKind.GENDER);
        for (AttributeKind k : visible) {
            if (k == AttributeKind.GENDER) continue;
            double keep = (1 - omissionRate) * (k == AttributeKind.BUILD ? BUILD_MENTION : 1.0);
            if (rng.nextDouble() < keep) said.add(k);
        }
        // Nobody writes a caption about nothing: keep at least one thing the person wears.
        if (Collections.disjoint(said, CONTENT)) said.add(AttributeKind.UPPER);

        String pronoun = p.gender().subject(), possessive = p.gender().possessive();
        String hair = said.contains(AttributeKind.HAIR) ? hairPhrase(p, rng) : null;
        List<String> wear = new ArrayList<>();
        if (said.contains(AttributeKind.HEADWEAR))
            wear.add(article(colour(p.headwearColour(), rng) + " " + word(p.headwear(), rng)));
        boolean logoWithUpper =
                said.contains(AttributeKind.LOGO) && said.contains(AttributeKind.UPPER) && rng.nextBoolean();
        if (said.contains(AttributeKind.UPPER)) {
            String upper = upperPhrase(p, rng);
            if (logoWithUpper)
                upper += " with " + article(colour(p.logoColour(), rng) + " logo")
                        + Pick.one(rng, " on the front", " on the chest", "");
            wear.add(upper);
        }
        if (said.contains(AttributeKind.LOWER)) wear.add(lowerPhrase(p, rng));
        if (said.contains(AttributeKind.SHOES)) {
            String shoes = colour(p.shoeColour(), rng) + " " + word(p.shoeType(), rng);
            wear.add(rng.nextDouble() < 0.2 ? "a pair of " + shoes : shoes);
        }
        if (wear.size() > 1 && rng.nextDouble() < 0.35) shuffle(wear, rng);
        String carry = carryPhrase(p, said, possessive, rng);
        String logoSentence = said.contains(AttributeKind.LOGO) && !logoWithUpper
                ? Pick.one(
                        rng,
                        "There is " + article(colour(p.logoColour(), rng) + " logo") + " on the front of " + possessive
                                + " top.",
                        capital(possessive) + " top has " + article(colour(p.logoColour(), rng) + " logo")
                                + " on the chest.",
                        capital(pronoun) + " has " + article(colour(p.logoColour(), rng) + " logo") + " on "
                                + possessive + " chest.")
                : null;

        // Verb phrases, the subject takes the first (and maybe the second); the rest become sentences.
        List<String> phrases = new ArrayList<>();
        String subject = subject(p, said, rng);
        if (hair != null && rng.nextDouble() < 0.4) {
            subject += " with " + hair;
            hair = null;
        }
        if (!wear.isEmpty())
            phrases.add(Pick.one(rng, "is wearing ", "wears ", "is dressed in ", "is wearing ") + list(wear, rng));
        if (carry != null) phrases.add(carry);
        if (hair != null) phrases.add("has " + hair);
        if (phrases.size() > 1 && rng.nextDouble() < 0.4)
            Collections.swap(phrases, 0, 1 + rng.nextInt(phrases.size() - 1));

        List<String> sentences = new ArrayList<>();
        if (phrases.isEmpty()) {
            sentences.add(subject + ".");
        } else if (phrases.size() >= 2 && rng.nextDouble() < 0.5) {
            sentences.add(subject + " " + phrases.get(0) + " and " + phrases.get(1) + ".");
            for (int i = 2; i < phrases.size(); i++) sentences.add(capital(pronoun) + " " + phrases.get(i) + ".");
        } else {
            sentences.add(subject + " " + phrases.get(0) + ".");
            for (int i = 1; i < phrases.size(); i++) sentences.add(capital(pronoun) + " " + phrases.get(i) + ".");
        }
        if (logoSentence != null) sentences.add(rng.nextBoolean() ? sentences.size() : 1, logoSentence);
        return new Caption(String.join(" ", sentences), said);
    }

    private String subject(Identity p, Set<AttributeKind> said, SplittableRandom rng) {
        String det = Pick.one(rng, "A", "A", "The", "This");
        String build =
                said.contains(AttributeKind.BUILD) ? Pick.one(rng, p.build().words()) + " " : "";
        String noun = Pick.one(rng, p.gender().nouns());
        String head = det + " " + build + noun;
        return det.equals("A") ? capital(article(build + noun)) : head;
    }

    private String hairPhrase(Identity p, SplittableRandom rng) {
        String length =
                Pick.word(rng, noisy(p.hairLength(), HairLength.values(), rng).words());
        String colour =
                Pick.word(rng, noisy(p.hairColour(), HairColour.values(), rng).words());
        double u = rng.nextDouble();
        if (u < 0.6) return length + " " + colour + " hair";
        if (u < 0.8) return colour + " hair";
        return length + " hair";
    }

    private String upperPhrase(Identity p, SplittableRandom rng) {
        UpperType type = noisy(p.upperType(), UpperType.values(), rng);
        Pattern pattern = noisy(p.upperPattern(), Pattern.values(), rng);
        String patternWord = pattern == Pattern.PLAIN
                ? (rng.nextDouble() < 0.1 ? "plain " : "")
                : Pick.word(rng, pattern.words()) + " ";
        return article(colour(p.upperColour(), rng) + " " + patternWord + Pick.word(rng, type.words()));
    }

    private String lowerPhrase(Identity p, SplittableRandom rng) {
        LowerType type = noisy(p.lowerType(), LowerType.values(), rng);
        String phrase = colour(p.lowerColour(), rng) + " " + Pick.word(rng, type.words());
        return type.plural() ? phrase : article(phrase);
    }

    private String carryPhrase(Identity p, Set<AttributeKind> said, String possessive, SplittableRandom rng) {
        Carried carried = p.carried();
        AttributeKind kind = AttributeKind.of(carried);
        if (kind == null || !said.contains(kind)) return null;
        String bag = article(colour(p.carriedColour(), rng) + " " + Pick.word(rng, carried.words()));
        String side = p.carriedSide() == null ? "" : p.carriedSide().word();
        return switch (carried) {
            case BACKPACK ->
                Pick.one(rng, "is carrying " + bag, "carries " + bag, "has " + bag + " on " + possessive + " back");
            case HANDBAG ->
                Pick.one(rng, "is carrying ", "holds ", "has ")
                        + bag
                        + (rng.nextDouble() < 0.3 ? " in " + possessive + " " + side + " hand" : "");
            case SHOULDER_BAG ->
                Pick.one(rng, "is carrying ", "carries ", "has ")
                        + bag
                        + (rng.nextDouble() < 0.3 ? " over " + possessive + " " + side + " shoulder" : "");
            case NONE -> null;
        };
    }

    /** The colour's word, or at the noise rate another colour's. */
    private String colour(Colour c, SplittableRandom rng) {
        return Pick.word(rng, noisy(c, Colour.values(), rng).words());
    }

    private String word(Headwear h, SplittableRandom rng) {
        return Pick.word(rng, noisy(h, HEADWEAR_TYPES, rng).words());
    }

    private String word(ShoeType s, SplittableRandom rng) {
        return Pick.word(rng, noisy(s, ShoeType.values(), rng).words());
    }

    private static final Headwear[] HEADWEAR_TYPES = {Headwear.CAP, Headwear.HAT, Headwear.BEANIE};

    /** {@code truth}, or at the noise rate a different value of the same kind. */
    private <T> T noisy(T truth, T[] values, SplittableRandom rng) {
        if (values.length < 2 || !Pick.chance(rng, noiseRate)) return truth;
        T other;
        do {
            other = values[rng.nextInt(values.length)];
        } while (other == truth);
        return other;
    }

    private static String list(List<String> items, SplittableRandom rng) {
        if (items.size() == 1) return items.get(0);
        String last = items.get(items.size() - 1);
        String head = String.join(", ", items.subList(0, items.size() - 1));
        return head + (items.size() > 2 && rng.nextBoolean() ? ", and " : " and ") + last;
    }

    private static String article(String phrase) {
        char first = Character.toLowerCase(phrase.charAt(0));
        return ("aeio".indexOf(first) >= 0 ? "an " : "a ") + phrase;
    }

    private static String capital(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static <T> void shuffle(List<T> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) Collections.swap(list, i, rng.nextInt(i + 1));
    }
}
