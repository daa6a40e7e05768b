"""SM4-ECB without padding, as HJ 212-2025 reportedly applies it to the CP data area.

Every whole 16-byte block is encrypted; a shorter tail stays in clear. The ciphertext is
carried as raw bytes, so the data segment keeps its plaintext length (the length field then
agrees with the standard's examples, which give the plaintext length). The CRC is taken over
the plaintext data segment. These are reports from secondary sources, not the official text.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from epb.hj212._errors import LocalProtocolError

BLOCK = 16


def _cipher(key: bytes) -> Cipher[modes.ECB]:
    if len(key) != BLOCK:
        raise LocalProtocolError(f"an SM4 key is 16 bytes, got {len(key)}")
    return Cipher(algorithms.SM4(key), modes.ECB())


def encrypt(key: bytes, data: bytes) -> bytes:
    """Encrypt the whole blocks of ``data``; a tail shorter than a block stays in clear."""
    cut = len(data) - len(data) % BLOCK
    encryptor = _cipher(key).encryptor()
    return encryptor.update(data[:cut]) + encryptor.finalize() + data[cut:]


def decrypt(key: bytes, data: bytes) -> bytes:
    """Inverse of :func:`encrypt`."""
    cut = len(data) - len(data) % BLOCK
    decryptor = _cipher(key).decryptor()
    return decryptor.update(data[:cut]) + decryptor.finalize() + data[cut:]
