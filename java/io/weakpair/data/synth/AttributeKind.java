package io.weakpair.data.synth;

import java.util.Locale;

/**
 * The things a caption can say about a person. View-dependent kinds can be seen only from
 * some views, which is what makes a caption of one view a weak positive for another view.
 */
public enum AttributeKind {
    GENDER(false),
    BUILD(false),
    HAIR(false),
    HEADWEAR(false),
    UPPER(false),
    LOGO(true),
    LOWER(false),
    SHOES(false),
    BACKPACK(true),
    HANDBAG(true),
    SHOULDER_BAG(true);

    private final boolean viewDependent;

    AttributeKind(boolean viewDependent) {
        this.viewDependent = viewDependent;
    }

    public boolean viewDependent() {
        return viewDependent;
    }

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind for a carried object, null for none. */
    public static AttributeKind of(Appearance.Carried carried) {
        return switch (carried) {
            case BACKPACK -> BACKPACK;
            case HANDBAG -> HANDBAG;
            case SHOULDER_BAG -> SHOULDER_BAG;
            case NONE -> null;
        };
    }
}
