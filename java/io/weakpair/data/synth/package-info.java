/**
 * The built-in synthetic benchmark: a procedural pedestrian text-image dataset with weak pairs.
 *
 * <p>An identity ({@link io.weakpair.data.synth.Identity}) is a set of attributes: gender,
 * build, hair colour and length, headwear, upper garment type, colour and pattern, lower
 * garment type and colour, shoes, a carried object (backpack, handbag or shoulder bag, the
 * latter two on one side) and a front logo. Each identity is shot 4-6 times by different
 * cameras from different views ({@link io.weakpair.data.synth.View}), with jittered pose,
 * framing, light, background and occlusion ({@link io.weakpair.data.synth.Scene}).
 * {@link io.weakpair.data.synth.Visibility} decides what each shot shows (a logo only from
 * the front, a backpack from behind and the sides, a shoulder bag only from its side, a
 * handbag not from the far side, legs and shoes not behind an occluder); the renderer draws
 * by that rule and each of the two captions per image is written from it, so a caption of
 * one view is a weak positive for the other views of the person.
 *
 * <p>The knobs of docs/data.md section 2: {@code omissionRate} (each visible attribute left out of a caption
 * with this chance, default 0.3), {@code noiseRate} (a value word wrong, 0.05),
 * {@code viewDependentShare} (chance of carrying a view-dependent object and, independently,
 * of wearing a front logo, 0.5), {@code nearDuplicates} (share of identities copied from another
 * of their split with one or two traits changed, 0.3).
 *
 * <p>Everything is a pure function of the seed and the options
 * ({@link io.weakpair.data.synth.SyntheticGenerator#plan} makes all decisions up front from
 * per-(identity, image) random streams), so the written files are byte-identical for any
 * thread count. The ground truth is in the API ({@link io.weakpair.data.synth.SyntheticImage#visible()},
 * {@link io.weakpair.data.synth.Caption#mentions()}) and in {@code synth_images.json} and
 * {@code synth_identities.json} beside {@code reid_raw.json}.
 */
package io.weakpair.data.synth;
