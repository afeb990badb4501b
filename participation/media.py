"""Attachments: photos and image documents are re-encoded without EXIF before anything keeps them.

The person's upload is downloaded, its pixels re-encoded with Pillow (orientation applied, no
metadata: no GPS, no camera serial), and sent back to them as the preview of what will be
stored; only the clean copy's file_id is ever saved.  Non-image documents (PDF, ...) are kept
as they are.
"""

from __future__ import annotations

import io

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

MAX_SIDE = 2560


def strip_exif(data: bytes) -> tuple[bytes, str]:
    """Re-encode image bytes without metadata; returns (bytes, extension)."""
    from PIL import Image, ImageOps  # only when a picture arrives (start-up time and memory)

    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    keep_png = image.mode in ("RGBA", "LA", "P", "PA")
    image = image.convert("RGBA" if keep_png else "RGB")
    clean = Image.frombytes(image.mode, image.size, image.tobytes())  # pixels only, no metadata
    out = io.BytesIO()
    if keep_png:
        clean.save(out, format="PNG")
        return out.getvalue(), "png"
    clean.save(out, format="JPEG", quality=88)
    return out.getvalue(), "jpg"


def is_image_document(message: Message) -> bool:
    doc = message.document
    return bool(doc and (doc.mime_type or "").startswith("image/"))


async def clean_attachment(update: Update, context: ContextTypes.DEFAULT_TYPE, caption: str
                           ) -> tuple[str, str] | None:
    """(kind, file_id) of a clean copy of the message's photo or document; None if there is none."""
    message = update.effective_message
    if message is None:
        return None
    if message.photo or is_image_document(message):
        file_id = message.photo[-1].file_id if message.photo else message.document.file_id
        tg_file = await context.bot.get_file(file_id)
        raw = bytes(await tg_file.download_as_bytearray())
        from PIL import UnidentifiedImageError

        try:
            clean, ext = strip_exif(raw)
        except (UnidentifiedImageError, OSError):
            return None
        sent = await context.bot.send_photo(message.chat_id, clean, caption=caption,
                                            parse_mode=ParseMode.HTML, filename=f"evidencia.{ext}")
        return "photo", sent.photo[-1].file_id
    if message.document:
        return "document", message.document.file_id
    return None
