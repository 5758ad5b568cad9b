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

/**
 * How one synthetic person looks: the ground truth their captions are written from.
 * Two identities are the same person exactly when their appearances are equal, so the
 * generator keeps every identity's appearance distinct. Colours that do not apply (no
 * headwear, no pattern, no logo, nothing carried) are null.
 *
 * @param skinTone 0..3; drawn but never mentioned (captions are incomplete, like real ones)
 */
public record Identity(
        Gender gender,
        Build build,
        int skinTone,
        HairColour hairColour,
        HairLength hairLength,
        Headwear headwear,
        Colour headwearColour,
        UpperType upperType,
        Colour upperColour,
        Pattern upperPattern,
        Colour patternColour,
        LowerType lowerType,
        Colour lowerColour,
        ShoeType shoeType,
        Colour shoeColour,
        Carried carried,
        Colour carriedColour,
        Side carriedSide,
        boolean logo,
        Colour logoColour) {

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable copy used to draw and perturb identities. */
    public static final class Builder {
        public Gender gender;
        public Build build;
        public int skinTone;
        public HairColour hairColour;
        public HairLength hairLength;
        public Headwear headwear;
        public Colour headwearColour;
        public UpperType upperType;
        public Colour upperColour;
        public Pattern upperPattern;
        public Colour patternColour;
        public LowerType lowerType;
        public Colour lowerColour;
        public ShoeType shoeType;
        public Colour shoeColour;
        public Carried carried;
        public Colour carriedColour;
        public Side carriedSide;
        public boolean logo;
        public Colour logoColour;

        public Builder() {}

        Builder(Identity i) {
            gender = i.gender;
            build = i.build;
            skinTone = i.skinTone;
            hairColour = i.hairColour;
            hairLength = i.hairLength;
            headwear = i.headwear;
            headwearColour = i.headwearColour;
            upperType = i.upperType;
            upperColour = i.upperColour;
            upperPattern = i.upperPattern;
            patternColour = i.patternColour;
            lowerType = i.lowerType;
            lowerColour = i.lowerColour;
            shoeType = i.shoeType;
            shoeColour = i.shoeColour;
            carried = i.carried;
            carriedColour = i.carriedColour;
            carriedSide = i.carriedSide;
            logo = i.logo;
            logoColour = i.logoColour;
        }

        public Identity build() {
            // Colours of absent things are null so that equal-looking people compare equal.
            boolean hasHeadwear = headwear != Headwear.NONE;
            boolean hasPattern = upperPattern != Pattern.PLAIN;
            boolean carries = carried != Carried.NONE;
            boolean sided = carried == Carried.HANDBAG || carried == Carried.SHOULDER_BAG;
            return new Identity(
                    gender,
                    build,
                    skinTone,
                    hairColour,
                    hairLength,
                    headwear,
                    hasHeadwear ? headwearColour : null,
                    upperType,
                    upperColour,
                    upperPattern,
                    hasPattern ? patternColour : null,
                    lowerType,
                    lowerColour,
                    shoeType,
                    shoeColour,
                    carried,
                    carries ? carriedColour : null,
                    sided ? carriedSide : null,
                    logo,
                    logo ? logoColour : null);
        }
    }
}
