"""``Sequential.summary()``: layers, output shapes, parameter counts, and the compile state
(the optimizer with its ``convention``, the loss), as a plain-text table."""
from __future__ import annotations


def _compile_line(model) -> list[str]:
    if model.optimizer is None:
        return []
    opt = model.optimizer
    return [f"Optimizer: {type(opt).__name__} (convention={opt.convention!r}, "
            f"learning_rate={float(opt.learning_rate):g}); loss: {model.loss!r}"]


def summary_text(model) -> str:
    """The table; an unbuilt layer shows "?" and "0 (unbuilt)" as Keras's summary does."""
    rows = [("Layer (type)", "Output Shape", "Param #")]
    for layer in model.layers:
        rows.append((f"{layer.name} ({type(layer).__name__})",
                     f"(None, {layer.output_dim})" if layer.built else "?",
                     f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"))
    widths = [max(len(r[i]) for r in rows) + 2 for i in range(3)]
    line = "-" * sum(widths)
    fmt = lambda r: "".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
    total = model.count_params()
    trainable = sum(w.size for w in model.trainable_weights)
    return "\n".join([f'Model: "{model.name}" (input_dim={model.input_dim}, dtype={model.dtype.name})',
                      line, fmt(rows[0]), "=" * sum(widths), *map(fmt, rows[1:]), line,
                      f"Total params: {total:,}", f"Trainable params: {trainable:,}",
                      f"Non-trainable params: {total - trainable:,}", *_compile_line(model)])
