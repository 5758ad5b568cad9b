package io.weakpair.data.synth;

import java.util.List;

/**
 * The closed vocabulary a synthetic identity is made of, with the words captions use for
 * each value (the usual word first, synonyms after). Values without words (an average
 * build, no headwear) are never mentioned.
 */
public final class Appearance {
    private Appearance() {}

    public enum Gender {
        MALE("he", "his", "man", "man", "man", "male", "guy", "gentleman"),
        FEMALE("she", "her", "woman", "woman", "woman", "lady", "female", "girl");

        private final String subject;
        private final String possessive;
        private final List<String> nouns;

        Gender(String subject, String possessive, String... nouns) {
            this.subject = subject;
            this.possessive = possessive;
            this.nouns = List.of(nouns);
        }

        public String subject() {
            return subject;
        }

        public String possessive() {
            return possessive;
        }

        public List<String> nouns() {
            return nouns;
        }
    }

    public enum Build {
        SLIM(0.88, "slim", "thin", "slender"),
        AVERAGE(1.0),
        HEAVY(1.17, "heavy-set", "stocky", "chubby");

        private final double widthFactor;
        private final List<String> words;

        Build(double widthFactor, String... words) {
            this.widthFactor = widthFactor;
            this.words = List.of(words);
        }

        /** Torso width relative to an average build. */
        public double widthFactor() {
            return widthFactor;
        }

        public List<String> words() {
            return words;
        }
    }

    public enum HairLength {
        SHORT("short"),
        MEDIUM("medium-length", "shoulder-length"),
        LONG("long");

        private final List<String> words;

        HairLength(String... words) {
            this.words = List.of(words);
        }

        public List<String> words() {
            return words;
        }
    }

    public enum HairColour {
        BLACK(0x1C1816, "black", "dark"),
        BROWN(0x5E3A1E, "brown"),
        BLONDE(0xD9BC72, "blonde", "blond", "fair"),
        GREY(0xA6A6A6, "grey", "gray"),
        RED(0xA8461E, "red", "ginger", "auburn");

        private final int rgb;
        private final List<String> words;

        HairColour(int rgb, String... words) {
            this.rgb = rgb;
            this.words = List.of(words);
        }

        public int rgb() {
            return rgb;
        }

        public List<String> words() {
            return words;
        }
    }

    public enum Headwear {
        NONE,
        CAP("cap", "baseball cap"),
        HAT("hat", "sun hat"),
        BEANIE("beanie", "knit hat", "woolly hat");

        private final List<String> words;

        Headwear(String... words) {
            this.words = List.of(words);
        }

        public List<String> words() {
            return words;
        }
    }

    public enum UpperType {
        T_SHIRT(true, "t-shirt", "tee", "short-sleeved shirt"),
        SHIRT(false, "shirt", "long-sleeved shirt", "button-up shirt"),
        JACKET(false, "jacket", "zip-up jacket"),
        COAT(false, "coat", "long coat", "overcoat"),
        SWEATER(false, "sweater", "jumper", "pullover");

        private final boolean shortSleeves;
        private final List<String> words;

        UpperType(boolean shortSleeves, String... words) {
            this.shortSleeves = shortSleeves;
            this.words = List.of(words);
        }

        public boolean shortSleeves() {
            return shortSleeves;
        }

        public List<String> words() {
            return words;
        }
    }

    public enum Pattern {
        PLAIN,
        STRIPED("striped", "stripy"),
        CHECKED("checked", "plaid", "checkered");

        private final List<String> words;

        Pattern(String... words) {
            this.words = List.of(words);
        }

        public List<String> words() {
            return words;
        }
    }

    public enum LowerType {
        TROUSERS(true, "trousers", "pants", "slacks"),
        JEANS(true, "jeans", "denim jeans"),
        SHORTS(true, "shorts"),
        SKIRT(false, "skirt");

        private final boolean plural;
        private final List<String> words;

        LowerType(boolean plural, String... words) {
            this.plural = plural;
            this.words = List.of(words);
        }

        /** "black trousers" vs "a black skirt". */
        public boolean plural() {
            return plural;
        }

        public List<String> words() {
            return words;
        }
    }

    public enum ShoeType {
        SNEAKERS("sneakers", "trainers", "running shoes"),
        BOOTS("boots"),
        SHOES("shoes", "leather shoes");

        private final List<String> words;

        ShoeType(String... words) {
            this.words = List.of(words);
        }

        public List<String> words() {
            return words;
        }
    }

    /** What the person carries; each kind is visible only from some views (see {@link Visibility}). */
    public enum Carried {
        NONE,
        BACKPACK("backpack", "rucksack"),
        HANDBAG("handbag", "purse"),
        SHOULDER_BAG("shoulder bag", "messenger bag", "satchel");

        private final List<String> words;

        Carried(String... words) {
            this.words = List.of(words);
        }

        public List<String> words() {
            return words;
        }
    }

    /** The person's own left or right. */
    public enum Side {
        LEFT("left"),
        RIGHT("right");

        private final String word;

        Side(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }
}
