#!/usr/bin/python3
"""Checks of the PyTorch reference itself, run by hand (not part of `mvn test`):

    /usr/bin/python3 -m unittest bench/pytorch/test_albef_torch.py -v

The layers are checked against PyTorch's own nn.TransformerEncoderLayer / nn.MultiheadAttention
(an implementation we did not write), the padding mask by invariance, the checkpoint by a
write/read/forward round trip, and convert_albef.py on a synthetic ALBEF/RaSa-like .pth.
"""
import os
import sys
import tempfile
import unittest

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import albef_torch as at  # noqa: E402
from convert_albef import convert  # noqa: E402
from embed_reference import embed  # noqa: E402

torch.set_num_threads(2)
# vision width != text width, so that a swapped width cannot pass
SMALL = dict(at.PRESETS["tiny"], vision_width=96, vision_heads=3, vision_layers=1, text_layers=1, fusion_layers=1, vocab_size=50, max_tokens=9)


def random_model(cfg, seed=0):
    torch.manual_seed(seed)
    m = at.Albef(cfg)
    with torch.no_grad():
        for name, p in m.named_parameters():
            p.copy_(1 + 0.1 * torch.randn_like(p) if name.endswith("weight") and ("LayerNorm" in name or ".norm" in name)
                    else 0.05 * torch.randn_like(p))
    return m.eval()


def random_inputs(cfg, seed=1, images=2, texts=3):
    g = torch.Generator().manual_seed(seed)
    L = cfg["max_tokens"]
    mask = (torch.arange(L)[None] < torch.tensor([L, 4, 1][:texts])[:, None]).long()
    return {"pixel_values": torch.randn(images, 3, cfg["image_height"], cfg["image_width"], generator=g),
            "input_ids": torch.randint(1, cfg["vocab_size"], (texts, L), generator=g) * mask,
            "attention_mask": mask, "itm_pairs": torch.tensor([[0, 0], [1, 1], [1, 2], [0, 2]])}


class Layers(unittest.TestCase):
    def test_vit_block_is_a_pre_norm_transformer_layer(self):
        blk = random_model(SMALL).visual_encoder.blocks[0]
        w = SMALL["vision_width"]
        ref = nn.TransformerEncoderLayer(w, SMALL["vision_heads"], 4 * w, dropout=0.0, activation="gelu",
                                         layer_norm_eps=1e-6, batch_first=True, norm_first=True).eval()
        with torch.no_grad():
            ref.self_attn.in_proj_weight.copy_(blk.attn.qkv.weight); ref.self_attn.in_proj_bias.copy_(blk.attn.qkv.bias)
            ref.self_attn.out_proj.load_state_dict(blk.attn.proj.state_dict())
            ref.linear1.load_state_dict(blk.mlp.fc1.state_dict()); ref.linear2.load_state_dict(blk.mlp.fc2.state_dict())
            ref.norm1.load_state_dict(blk.norm1.state_dict()); ref.norm2.load_state_dict(blk.norm2.state_dict())
            x = torch.randn(2, 7, w)
            torch.testing.assert_close(blk(x), ref(x), rtol=1e-5, atol=1e-5)

    def test_bert_layers_are_post_norm_with_key_padding_and_cross_attention(self):
        m = random_model(SMALL)
        layer = m.text_encoder.bert.encoder.layer[1]            # a fusion layer
        w, h = SMALL["text_width"], SMALL["text_heads"]
        sa, ca = nn.MultiheadAttention(w, h, batch_first=True), nn.MultiheadAttention(
            w, h, kdim=SMALL["vision_width"], vdim=SMALL["vision_width"], batch_first=True)
        with torch.no_grad():
            s = getattr(layer.attention, "self")
            sa.in_proj_weight.copy_(torch.cat([s.query.weight, s.key.weight, s.value.weight]))
            sa.in_proj_bias.copy_(torch.cat([s.query.bias, s.key.bias, s.value.bias]))
            sa.out_proj.load_state_dict(layer.attention.output.dense.state_dict())
            c = getattr(layer.crossattention, "self")
            ca.q_proj_weight.copy_(c.query.weight); ca.k_proj_weight.copy_(c.key.weight); ca.v_proj_weight.copy_(c.value.weight)
            ca.in_proj_bias.copy_(torch.cat([c.query.bias, c.key.bias, c.value.bias]))
            ca.out_proj.load_state_dict(layer.crossattention.output.dense.state_dict())
            x, img = torch.randn(2, 6, w), torch.randn(2, 5, SMALL["vision_width"])
            mask = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 0, 0, 0, 0]])
            y = layer.attention.output.LayerNorm(x + sa(x, x, x, key_padding_mask=mask == 0, need_weights=False)[0])
            y = layer.crossattention.output.LayerNorm(y + ca(y, img, img, need_weights=False)[0])
            y = layer.output.LayerNorm(y + layer.output.dense(nn.functional.gelu(layer.intermediate.dense(y))))
            torch.testing.assert_close(layer(x, at.additive_mask(mask, x.dtype), img), y, rtol=1e-5, atol=1e-5)

    def test_patch_tokens_are_row_major_linear_maps_of_patches_after_cls(self):
        m, p = random_model(SMALL), SMALL["patch_size"]
        ve, px, trace = m.visual_encoder, torch.randn(1, 3, SMALL["image_height"], SMALL["image_width"]), {}
        with torch.no_grad():
            m.image_tokens(px, trace)
            w = ve.patch_embed.proj.weight.reshape(ve.pos_embed.shape[-1], -1)
            gw = SMALL["image_width"] // p
            for i, j in [(0, 0), (0, gw - 1), (3, 1), (SMALL["image_height"] // p - 1, gw - 1)]:
                patch = px[0, :, i * p:(i + 1) * p, j * p:(j + 1) * p].reshape(-1)      # (c, y, x) order
                want = w @ patch + ve.patch_embed.proj.bias + ve.pos_embed[0, 1 + i * gw + j]
                torch.testing.assert_close(trace["vision.embed"][0, 1 + i * gw + j], want, rtol=1e-5, atol=1e-5)
            torch.testing.assert_close(trace["vision.embed"][0, 0], ve.cls_token[0, 0] + ve.pos_embed[0, 0])

    def test_padding_changes_nothing_for_real_tokens(self):
        m, inp = random_model(SMALL), random_inputs(SMALL)
        with torch.no_grad():
            img = m.image_tokens(inp["pixel_values"])
            full = m.fusion(m.text_tokens(inp["input_ids"], inp["attention_mask"]), inp["attention_mask"], img[[0, 0, 0]])
            ids, ones = inp["input_ids"][1:2, :4], torch.ones(1, 4, dtype=torch.long)
            cut = m.fusion(m.text_tokens(ids, ones), ones, img[:1])
        torch.testing.assert_close(full[1:2, :4], cut, rtol=1e-5, atol=1e-5)


class Checkpoints(unittest.TestCase):
    def test_init_write_read_forward_round_trip(self):
        with tempfile.TemporaryDirectory() as d:
            ck = os.path.join(d, "ck.safetensors")
            m = at.init_checkpoint("tiny", ck, seed=3, vocab=100)
            loaded, _ = at.load_checkpoint(ck)
            self.assertEqual(at.read_metadata(ck), at.metadata_from_config(m.cfg))
            for k, v in m.state_dict().items():
                self.assertTrue(torch.equal(v, loaded.state_dict()[k]), k)
            inp = random_inputs(loaded.cfg)
            a, b = embed(m, inp), embed(loaded, inp)
            self.assertEqual(sorted(a), sorted(["image_feat", "text_feat", "image_cls", "text_cls", "itm_logits"]))
            for k in a:
                self.assertTrue(torch.equal(a[k], b[k]), k)
            torch.testing.assert_close(a["image_feat"].norm(dim=1), torch.ones(2))
            self.assertEqual(tuple(a["itm_logits"].shape), (4, 2))
            # float64 is the same model: F32 within its rounding
            for k, v in embed(at.load_checkpoint(ck, torch.float64)[0], inp, torch.float64).items():
                torch.testing.assert_close(v, a[k], rtol=1e-4, atol=1e-5)


def albef_like_pth(model, path, retrieval=False):
    """model's state_dict as ALBEF/RaSa save it: under 'model', with momentum copies, queues,
    HF's tied decoder.bias and position_ids buffer, and RaSa's extra heads."""
    sd = dict(model.state_dict())
    for head in ("visual_encoder", "text_encoder", "vision_proj", "text_proj"):
        sd.update({head + "_m" + k[len(head):]: v.clone() for k, v in model.state_dict().items() if k.startswith(head + ".")})
    sd.update(image_queue=torch.randn(256, 16), text_queue=torch.randn(256, 16), idx_queue=torch.zeros(1, 16),
              queue_ptr=torch.zeros(1, dtype=torch.long))
    sd["text_encoder.cls.predictions.decoder.bias"] = sd["text_encoder.cls.predictions.bias"]
    sd["text_encoder.bert.embeddings.position_ids"] = torch.arange(model.cfg["max_positions"])[None]
    sd.update({"prd_head.weight": torch.randn(2, 128), "prd_head.bias": torch.randn(2),
               "mrtd_head.weight": torch.randn(2, 128), "mrtd_head.bias": torch.randn(2)})
    if retrieval:   # a fine-tuned ALBEF retrieval model: BertModel names, no MLM head
        sd = {k.replace("text_encoder.bert.", "text_encoder."): v for k, v in sd.items() if ".cls." not in k}
    torch.save({"model": sd, "config": {"x": 1}, "epoch": 3}, path)


class Convert(unittest.TestCase):
    def test_rasa_like_checkpoint_converts_and_loads_strictly(self):
        m = random_model(SMALL)
        with tempfile.TemporaryDirectory() as d:
            albef_like_pth(m, os.path.join(d, "in.pth"))
            cfg, dropped = convert(os.path.join(d, "in.pth"), os.path.join(d, "out.safetensors"), (128, 48), 9, (3, 4))
            self.assertEqual({k: v for k, v in cfg.items() if k != "preset"}, {**SMALL, "mlm_tied": False})
            self.assertIn("prd_head.weight", dropped)
            self.assertIn("visual_encoder_m.pos_embed", dropped)
            self.assertIn("queue_ptr", dropped)
            loaded, _ = at.load_checkpoint(os.path.join(d, "out.safetensors"))   # strict
            inp = random_inputs(SMALL)
            for k, v in embed(loaded, inp).items():
                self.assertTrue(torch.equal(v, embed(m, inp)[k]), k)

    def test_non_square_grid_needs_image_size(self):
        with tempfile.TemporaryDirectory() as d:
            albef_like_pth(random_model(SMALL), os.path.join(d, "in.pth"))
            with self.assertRaises(SystemExit):
                convert(os.path.join(d, "in.pth"), os.path.join(d, "out.safetensors"))

    def test_retrieval_layout_square_grid_and_resize(self):
        cfg = dict(SMALL, image_height=64, image_width=64)
        m = random_model(cfg)
        with torch.no_grad():
            m.text_encoder.cls.predictions.decoder.weight.copy_(m.text_encoder.bert.embeddings.word_embeddings.weight)
        with tempfile.TemporaryDirectory() as d:
            pth, out = os.path.join(d, "in.pth"), os.path.join(d, "out.safetensors")
            albef_like_pth(m, pth)
            c, _ = convert(pth, out)
            self.assertEqual((c["image_height"], c["image_width"], c["mlm_tied"]), (64, 64, True))
            albef_like_pth(m, pth, retrieval=True)
            c, _ = convert(pth, out, (96, 32), 9, (3, 4))
            self.assertEqual((c["image_height"], c["image_width"]), (96, 32))
            loaded, sd = at.load_checkpoint(out)
            self.assertEqual(tuple(sd["visual_encoder.pos_embed"].shape), (1, 1 + 6 * 2, cfg["vision_width"]))
            self.assertFalse(hasattr(loaded.text_encoder, "cls"))
            inp = random_inputs(loaded.cfg)
            text = lambda model: model.text_feat(model.text_tokens(inp["input_ids"], inp["attention_mask"]))
            with torch.no_grad():
                torch.testing.assert_close(text(loaded), text(m), rtol=0, atol=0)
            embed(loaded, inp)   # the resized model runs


if __name__ == "__main__":
    unittest.main()
