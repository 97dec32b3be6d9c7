"""Arabic spellings of the generator's Darfur Arabic names, so a share of the synthetic people
carry their names in Arabic script beside the Latin transliteration (as a registration desk
writes both). Every transliteration of a name maps to its one usual Arabic spelling."""

from __future__ import annotations

import random
from collections.abc import Iterable

from edgecamp.synthetic.records import Household

# Arabic spelling: its Latin transliterations (the community's spelling groups included).
_SPELLINGS = {
    "محمد": "Mohammed Muhammad Mohamed Mohamad Mohammad Mahamat Muhammed",
    "أحمد": "Ahmed Ahmad Ahmet",
    "عبدالله": "Abdallah Abdullah Abdalla Abdullahi",
    "إبراهيم": "Ibrahim Ebrahim Brahim",
    "إسماعيل": "Ismail Ismaeil Esmail",
    "يوسف": "Yousif Yusuf Youssef",
    "آدم": "Adam",
    "حسن": "Hassan Hasan",
    "حسين": "Hussein Hussain Husein",
    "عمر": "Omer Omar Umar",
    "عثمان": "Osman Othman Uthman",
    "علي": "Ali",
    "خالد": "Khalid",
    "عبدالرحمن": "Abdelrahman Abderrahmane Abdurrahman",
    "عبدالعزيز": "Abdelaziz Abdulaziz",
    "عبدالكريم": "Abdelkarim Abdelkerim",
    "عبدالمجيد": "Abdelmajid Abdelmagid",
    "مصطفى": "Mustafa Mostafa Moustafa",
    "إدريس": "Idris Idriss Edris",
    "موسى": "Musa Moussa Mousa",
    "هارون": "Haroun Harun Haroon",
    "سليمان": "Suleiman Sulaiman Soliman Sulayman",
    "يحيى": "Yahya",
    "جمال": "Jamal",
    "صلاح": "Salah",
    "الطيب": "Eltayeb Tayeb",
    "صديق": "Siddig Siddiq Seddik",
    "النور": "Elnour Nour",
    "بشير": "Bashir",
    "حامد": "Hamid",
    "أبكر": "Abakar Abbakar",
    "أبوبكر": "Abubakar",
    "عيسى": "Issa Isa Eisa",
    "إسحاق": "Ishag Ishaq Ishak",
    "بابكر": "Babiker",
    "فضل": "Fadul",
    "محمود": "Mahmoud Mahmud Mahmood",
    "صالح": "Saleh Salih Saalih",
    "زكريا": "Zakaria Zakariya Zakariyya",
    "يعقوب": "Yagoub Yacoub Yaqub",
    "الطاهر": "Eltahir",
    "الفاضل": "Elfadil",
    "عباس": "Abbas",
    "ناصر": "Nasir",
    "حمزة": "Hamza",
    "مبارك": "Mubarak",
    "جمعة": "Juma",
    "أنور": "Anwar",
    "محجوب": "Mahjoub",
    "التجاني": "Tijani",
    "حمدان": "Hamdan",
    "داود": "Daoud Dawood Dawud",
    "فاطمة": "Fatima Fatma Fatouma Fatimah",
    "آمنة": "Amna Aamna",
    "عائشة": "Aisha Aicha Aysha",
    "خديجة": "Khadija Khadijah Kadija Khadidja",
    "مريم": "Mariam Maryam Meriam",
    "حواء": "Hawa Hawwa",
    "زينب": "Zeinab Zainab Zaynab",
    "حليمة": "Halima Halimah Haleema",
    "عشة": "Asha",
    "صفية": "Safia Safiya Safiyya",
    "نفيسة": "Nafisa Nefisa Nafeesa",
    "سارة": "Sara",
    "حنان": "Hanan",
    "منى": "Mona",
    "سميرة": "Samira",
    "أمل": "Amal",
    "سلمى": "Salma",
    "هدى": "Huda Houda Hoda",
    "نجوى": "Najwa",
    "سعاد": "Suad Souad Soad",
    "انتصار": "Intisar",
    "سمية": "Sumaya Somaya Sumayah",
    "زهرة": "Zahra",
    "عواطف": "Awatif",
    "نصرة": "Nasra",
    "روضة": "Rawda",
    "كلتومة": "Kaltouma",
    "كلثوم": "Kaltoum Kalthoum Kulthum",
    "هدية": "Hadiya",
    "إقبال": "Igbal Iqbal",
    "إخلاص": "Ikhlas",
    "سكينة": "Sakina",
    "تهاني": "Tahani",
    "زمزم": "Zamzam",
    "رحمة": "Rahma",
    "أشتا": "Achta",
    "مستورة": "Mastoura",
    "فاطنة": "Fatna",
    "هويدا": "Howaida",
}
# Spellings written in two words (the desk types them either way).
_TWO_WORDS = {
    "عبدالرحمن": "Abdul Rahman|Abd al-Rahman",
    "عبدالعزيز": "Abdul Aziz|Abdel Aziz",
    "عبدالكريم": "Abdul Karim",
    "عبدالمجيد": "Abdul Majid",
    "الطيب": "El Tayeb|Al-Tayeb",
    "النور": "El Nour|Al-Nour",
    "الطاهر": "El Tahir|Al-Tahir",
    "الفاضل": "El Fadil|Al-Fadil",
}
ARABIC = {
    latin.casefold(): arabic
    for arabic, spellings in _SPELLINGS.items()
    for latin in spellings.split()
} | {
    latin.casefold(): arabic
    for arabic, spellings in _TWO_WORDS.items()
    for latin in spellings.split("|")
}
COMMUNITIES = frozenset({"darfur_arabic"})
# Of those communities' households, the share whose names the desk also wrote in Arabic.
SHARE = 0.6


def in_arabic(name: str) -> str | None:
    """The name in Arabic script, word by word; None if a word has no known spelling."""
    words = name.split()
    spelled: list[str] = []
    index = 0
    while index < len(words):
        pair = " ".join(words[index : index + 2]).casefold()
        if index + 1 < len(words) and pair in ARABIC:
            spelled.append(ARABIC[pair])
            index += 2
            continue
        arabic = ARABIC.get(words[index].casefold())
        if arabic is None:
            return None
        spelled.append(arabic)
        index += 1
    return " ".join(spelled)


def write_arabic_names(households: Iterable[Household], seed: int) -> None:
    """Give SHARE of the Arabic-speaking households' members their names in Arabic script too,
    where every word of both names has a spelling. Draws from a generator of its own, so the
    rest of the camp (and the desk check's frozen background, drawn from it) is unchanged."""
    rnd = random.Random(f"edgecamp-synthetic-arabic:{seed}")
    for household in households:
        if household.community not in COMMUNITIES or rnd.random() >= SHARE:
            continue
        for member in household.members:
            given = in_arabic(member.given_name) if member.given_name else ""
            family = in_arabic(member.family_name) if member.family_name else ""
            if given is None or family is None:
                continue
            member.given_name_local = given
            member.family_name_local = family
