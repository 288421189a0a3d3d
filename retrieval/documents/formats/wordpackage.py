"""Is this file a .docx we agree to open? Checked on the zip's directory, before any XML is parsed.

- An OLE2 file is a legacy ``.doc`` (even renamed ``.docx``), or a .docx Word encrypted with a
  password (Word wraps the zip in OLE2, with an ``EncryptedPackage`` stream).
- Not a zip, a zip cut short, a zip without ``word/document.xml``: not a .docx, or a damaged one.
- A zip bomb: the XML parts must not unpack to more than ``MAX_XML_BYTES`` (50 MiB), nor all
  parts to more than ``MAX_PACKAGE_BYTES`` (python-docx loads every part, images too). A part
  whose header lies about its size is caught by ``zipfile`` itself (it never returns more than
  the size declared, and the CRC check then fails).
"""

from __future__ import annotations

import io
import zipfile

from retrieval.errors import UnreadableFile

MAX_XML_BYTES = 50 << 20
MAX_PACKAGE_BYTES = 512 << 20
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LEGACY_DOC = "legacy .doc is not supported: save it as .docx"


def check_package(data: bytes) -> None:
    """Raise ``UnreadableFile`` unless ``data`` is a .docx of a size we agree to unpack."""
    if data.startswith(OLE2):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UnreadableFile("password-protected .docx (remove the password in Word and save again)")
        raise UnreadableFile(LEGACY_DOC)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(b"PK\x03\x04"):
            raise UnreadableFile("damaged .docx (the zip is incomplete)")
        raise UnreadableFile("not a .docx (not a zip file)")
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise UnreadableFile(f"damaged .docx ({error})") from None
    if "word/document.xml" not in {info.filename for info in infos}:
        raise UnreadableFile("not a .docx (the zip has no word/document.xml)")
    xml = sum(info.file_size for info in infos if info.filename.endswith((".xml", ".rels")))
    total = sum(info.file_size for info in infos)
    if xml > MAX_XML_BYTES or total > MAX_PACKAGE_BYTES:
        raise UnreadableFile(
            f"too large: it unpacks to {total >> 20} MiB ({xml >> 20} MiB of XML; "
            f"the limits are {MAX_PACKAGE_BYTES >> 20} MiB and {MAX_XML_BYTES >> 20} MiB of XML)"
        )
