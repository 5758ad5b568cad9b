package io.weakpair.data.synth;

import io.weakpair.data.synth.Appearance.Carried;
import io.weakpair.data.synth.Appearance.HairLength;
import io.weakpair.data.synth.Appearance.Headwear;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which of a person's attributes one image shows: the ground truth captions are written
 * from, and the rule {@link PersonRenderer} draws by.
 *
 * <ul>
 *   <li>a logo only from the front; a backpack from behind and from both sides;</li>
 *   <li>a shoulder bag only from its own side; a handbag from the front, the back and its own
 *       side (the body hides it from the other side);</li>
 *   <li>short hair under headwear is hidden;</li>
 *   <li>an object in front of the legs hides what it covers by half or more: shoes, then the
 *       lower garment.</li>
 * </ul>
 */
public final class Visibility {
    /** Vertical extents of occludable parts, in figure heights from the top of the head. */
    static final double LOWER_TOP = 0.48, LOWER_BOTTOM = 0.93;

    static final double SHOES_TOP = 0.88, BOOTS_TOP = 0.84, SHOES_BOTTOM = 1.0;
    static final double HANDBAG_TOP = 0.47, HANDBAG_BOTTOM = 0.60;

    private Visibility() {}

    public static Set<AttributeKind> of(Identity p, Scene scene) {
        View view = scene.view();
        EnumSet<AttributeKind> seen = EnumSet.of(AttributeKind.GENDER, AttributeKind.UPPER);
        if (!p.build().words().isEmpty()) seen.add(AttributeKind.BUILD);
        boolean hatOn = p.headwear() != Headwear.NONE;
        if (hatOn) seen.add(AttributeKind.HEADWEAR);
        if (!(hatOn && p.hairLength() == HairLength.SHORT)) seen.add(AttributeKind.HAIR);
        if (p.logo() && view == View.FRONT) seen.add(AttributeKind.LOGO);
        if (!hidden(scene, LOWER_TOP, LOWER_BOTTOM)) seen.add(AttributeKind.LOWER);
        double shoesTop = p.shoeType() == Appearance.ShoeType.BOOTS ? BOOTS_TOP : SHOES_TOP;
        if (!hidden(scene, shoesTop, SHOES_BOTTOM)) seen.add(AttributeKind.SHOES);
        if (p.carried() == Carried.BACKPACK && view != View.FRONT) seen.add(AttributeKind.BACKPACK);
        if (p.carried() == Carried.SHOULDER_BAG && view.nearSide() == p.carriedSide())
            seen.add(AttributeKind.SHOULDER_BAG);
        if (p.carried() == Carried.HANDBAG
                && (view.nearSide() == null || view.nearSide() == p.carriedSide())
                && !hidden(scene, HANDBAG_TOP, HANDBAG_BOTTOM)) {
            seen.add(AttributeKind.HANDBAG);
        }
        return seen;
    }

    /** Whether the occluder covers at least half of the band [top, bottom]. */
    static boolean hidden(Scene scene, double top, double bottom) {
        if (!scene.occluded()) return false;
        double covered = Math.max(0, bottom - Math.max(top, scene.occluderTop()));
        return covered >= 0.5 * (bottom - top);
    }
}
