import random
import re

import pytest

from epb.lib.codes import (
    TRACKING_ALPHABET,
    USCC_ALPHABET,
    CodeError,
    Reason,
    check_mobile,
    check_organization_code,
    check_tracking_code,
    check_uscc,
    is_valid_mobile,
    is_valid_tracking_code,
    is_valid_uscc,
    mask_mobile,
    new_tracking_code,
    organization_check_char,
    parse_mobile,
    parse_tracking_code,
    parse_uscc,
    uscc_check_char,
)


def make_uscc(authority: str, kind: str, region: str, org_body: str) -> str:
    """A well-formed credit code: the organisation code's and the credit code's check computed."""
    first17 = authority + kind + region + org_body + organization_check_char(org_body)
    return first17 + uscc_check_char(first17)


# -- unified social credit code ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        # Only position 1 (weight 1) is non-zero: 31 - 1 = 30, the 31st character, Y.
        ("10000000000000000", "Y"),
        # 9·1 + 1·3 = 12; 31 - 12 = 19 → K (A = 10, …, H = 17, J = 18, K = 19).
        ("91000000000000000", "K"),
        # The worked example printed in GB 32100-2015.
        ("91350100M000100Y4", "3"),
        # A sum that is a multiple of 31 gives 31, written 0: 1·1 + 10·3 = 31.
        ("1A000000000000000", "0"),
    ],
)
def test_uscc_check_char_by_hand(first17: str, check: str) -> None:
    assert uscc_check_char(first17) == check


def test_uscc_weights_are_powers_of_three() -> None:
    # Shifting one unit of value through each position reveals the weight there.
    weights = []
    for i in range(17):
        body = "0" * i + "1" + "0" * (16 - i)
        weights.append((31 - USCC_ALPHABET.index(uscc_check_char(body))) % 31)
    assert weights == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


VALID_USCC = [
    "91350100M000100Y43",
    make_uscc("9", "1", "320400", "MA1N2P3Q"),  # a Changzhou company
    make_uscc("9", "2", "320412", "L7RXKP2D"),  # an individual business in Wujin
    make_uscc("1", "2", "320400", "46600214"),  # a public institution
    make_uscc("5", "1", "320400", "50371234"),  # a social organisation
    make_uscc("N", "2", "320481", "C1234567"),  # a village collective
    make_uscc("Y", "1", "100000", "40000113"),
]


@pytest.mark.parametrize("code", VALID_USCC)
def test_valid_credit_codes(code: str) -> None:
    result = check_uscc(code)
    assert result.valid and result and result.reason is None
    assert result.normalized == code
    assert check_uscc(code, verify_organization_code=True).valid
    assert is_valid_uscc(code)
    assert parse_uscc(code) == code


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("91350100m000100y43", "91350100M000100Y43"),
        (" 9135 0100-M000 100Y 43 ", "91350100M000100Y43"),
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),  # full-width input
    ],
)
def test_credit_codes_are_normalised(typed: str, stored: str) -> None:
    assert parse_uscc(typed) == stored


@pytest.mark.parametrize(
    ("code", "reason", "words"),
    [
        ("", Reason.EMPTY, "请填写"),
        ("91350100M000100Y4", Reason.LENGTH, "实际为17位"),
        ("91350100M000100Y433", Reason.LENGTH, "实际为19位"),
        ("91350100M000I00Y43", Reason.CHARACTERS, "I"),
        ("91350100O000100Y43", Reason.CHARACTERS, "O"),
        ("91350100M0001#0Y43", Reason.CHARACTERS, "#"),
        ("01350100M000100Y43", Reason.AUTHORITY, "“0”"),
        ("B1350100M000100Y43", Reason.AUTHORITY, "“B”"),
        ("9135A100M000100Y43", Reason.REGION, "35A100"),
        ("91350100M000100Y44", Reason.CHECK_DIGIT, "应为“3”"),
        ("91350100M000100Y4Y", Reason.CHECK_DIGIT, "实际为“Y”"),
    ],
)
def test_invalid_credit_codes_say_why(code: str, reason: Reason, words: str) -> None:
    result = check_uscc(code)
    assert not result.valid and not result
    assert result.reason is reason
    assert words in result.message
    with pytest.raises(CodeError) as caught:
        parse_uscc(code)
    assert caught.value.check == result
    assert str(caught.value) == result.message


def test_embedded_organisation_code_is_checked_only_when_asked() -> None:
    right = organization_check_char("MA1N2P3Q")
    wrong = "1" if right != "1" else "2"
    first17 = "91320400MA1N2P3Q" + wrong  # a credit code whose own check digit is still right
    code = first17 + uscc_check_char(first17)
    assert check_uscc(code).valid
    strict = check_uscc(code, verify_organization_code=True)
    assert strict.reason is Reason.ORGANIZATION_CODE
    assert "组织机构代码" in strict.message


@pytest.mark.parametrize("code", VALID_USCC)
def test_every_single_character_error_is_caught(code: str) -> None:
    for position in range(18):
        for replacement in USCC_ALPHABET:
            if replacement != code[position]:
                typo = code[:position] + replacement + code[position + 1 :]
                assert not is_valid_uscc(typo), typo


@pytest.mark.parametrize("bad", ["1000000000000000", "I0000000000000000", "1000000000000000o"])
def test_uscc_check_char_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError, match="credit-code alphabet"):
        uscc_check_char(bad)


# -- organisation code -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("10000000", "8"),  # 1·3 = 3; 11 - 3 = 8
        ("10000004", "0"),  # 3 + 4·2 = 11 ≡ 0; 11 - 0 = 11 → 0
        ("10000018", "X"),  # 3 + 1·4 + 8·2 = 23 ≡ 1; 11 - 1 = 10 → X
        ("M000100Y", "4"),  # the organisation code inside the GB 32100 example
        ("A0000000", "3"),  # A = 10: 10·3 = 30 ≡ 8; 11 - 8 = 3
    ],
)
def test_organisation_check_char_by_hand(body: str, check: str) -> None:
    assert organization_check_char(body) == check
    assert check_organization_code(f"{body}-{check}").valid
    assert check_organization_code(f"{body}{check}".lower()).normalized == body + check


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", Reason.EMPTY),
        ("10000000", Reason.LENGTH),
        ("10000000-88", Reason.LENGTH),
        ("1000000#-8", Reason.CHARACTERS),
        ("10000000-A", Reason.CHARACTERS),
        ("10000000-9", Reason.CHECK_DIGIT),
        ("10000018-0", Reason.CHECK_DIGIT),
    ],
)
def test_invalid_organisation_codes(code: str, reason: Reason) -> None:
    result = check_organization_code(code)
    assert (result.valid, result.reason) == (False, reason)
    assert result.message


@pytest.mark.parametrize("bad", ["1000000", "1000000a", "1000000!"])
def test_organisation_check_char_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError, match="8 digits or capital letters"):
        organization_check_char(bad)


# -- mobile numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("0086-199-1234-5678", "19912345678"),
        ("8617712345678", "17712345678"),
        ("（+86）15012345678", "15012345678"),
        ("１３８１２３４５６７８", "13812345678"),
    ],
)
def test_valid_mobiles(typed: str, number: str) -> None:
    assert check_mobile(typed).normalized == number
    assert is_valid_mobile(typed)
    assert parse_mobile(typed) == number


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", Reason.EMPTY),
        ("  ", Reason.EMPTY),
        ("1381234567", Reason.LENGTH),
        ("138123456789", Reason.LENGTH),
        ("8613812345678", None),  # 86 then a mobile number is the country code
        ("23812345678", Reason.PREFIX),
        ("12812345678", Reason.PREFIX),
        ("+85291234567", Reason.PREFIX),
        ("00852912345678", Reason.PREFIX),
        ("138l2345678", Reason.CHARACTERS),
        ("١٣٨١٢٣٤٥٦٧٨", Reason.CHARACTERS),  # digits, but not ASCII ones
        ("010-12345678", Reason.PREFIX),  # a Beijing landline is 11 digits too
    ],
)
def test_mobile_reasons(typed: str, reason: Reason | None) -> None:
    result = check_mobile(typed)
    assert result.reason is reason
    assert result.valid is (reason is None)


def test_mask_mobile() -> None:
    assert mask_mobile("+86 138 1234 5678") == "138****5678"
    with pytest.raises(CodeError):
        mask_mobile("12345")


# -- tracking codes ----------------------------------------------------------------------------


def test_alphabet_has_no_look_alikes_and_a_prime_size() -> None:
    assert len(TRACKING_ALPHABET) == 29 == len(set(TRACKING_ALPHABET))
    assert not set("01OILSZ") & set(TRACKING_ALPHABET)


@pytest.mark.parametrize("seed", range(20))
def test_generated_codes_validate_however_they_are_typed(seed: int) -> None:
    code = new_tracking_code(random.Random(seed).randrange)
    assert re.fullmatch(r"[2-9A-Y]{4}-[2-9A-Y]{4}-[2-9A-Y]{4}", code)
    assert set(code.replace("-", "")) <= set(TRACKING_ALPHABET)
    for typed in (code, code.lower(), code.replace("-", ""), " ".join(code.split("-"))):
        assert is_valid_tracking_code(typed)
        assert parse_tracking_code(typed) == code


def test_the_random_source_decides_the_code() -> None:
    assert new_tracking_code(random.Random(1).randrange) == new_tracking_code(random.Random(1).randrange)
    assert new_tracking_code(random.Random(1).randrange) != new_tracking_code(random.Random(2).randrange)
    # The default source draws from the whole alphabet.
    seen = set()
    for _ in range(200):
        seen |= set(new_tracking_code().replace("-", ""))
    assert seen == set(TRACKING_ALPHABET)


def test_the_check_character_follows_the_weighted_sum() -> None:
    # All-"2" body (value 0) gives check value 0, i.e. "2"; one "3" (value 1) at position 1
    # needs c with 1 + 12·c ≡ 0 (mod 29): 12·12 = 144 = 4·29 + 28, so c = 12 → "E".
    assert new_tracking_code(lambda _n: 0) == "2222-2222-2222"
    values = iter([1] + [0] * 10)
    assert new_tracking_code(lambda _n: next(values)) == "3222-2222-222E"


@pytest.mark.parametrize("seed", range(5))
def test_every_typo_and_neighbour_swap_is_caught(seed: int) -> None:
    code = new_tracking_code(random.Random(seed).randrange).replace("-", "")
    for i in range(len(code)):
        for c in TRACKING_ALPHABET:
            if c != code[i]:
                assert not is_valid_tracking_code(code[:i] + c + code[i + 1 :])
        if i + 1 < len(code) and code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert check_tracking_code(swapped).reason is Reason.CHECK_DIGIT


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", Reason.EMPTY),
        ("2222-2222-222", Reason.LENGTH),
        ("2222-2222-22222", Reason.LENGTH),
        ("2222-2222-2O22", Reason.CHARACTERS),
        ("2222-2222-2022", Reason.CHARACTERS),
        ("1222-2222-2222", Reason.CHARACTERS),
        ("2222-2222-2223", Reason.CHECK_DIGIT),
    ],
)
def test_invalid_tracking_codes(typed: str, reason: Reason) -> None:
    result = check_tracking_code(typed)
    assert (result.valid, result.reason) == (False, reason)
    with pytest.raises(CodeError):
        parse_tracking_code(typed)


@pytest.mark.parametrize("length", [3, 28])
def test_tracking_code_length_is_bounded(length: int) -> None:
    with pytest.raises(ValueError, match="length"):
        new_tracking_code(length=length)


def test_other_lengths_round_trip() -> None:
    code = new_tracking_code(random.Random(3).randrange, length=7)
    assert len(code.replace("-", "")) == 8
    assert check_tracking_code(code, length=7).valid
