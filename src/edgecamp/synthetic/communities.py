"""Communities of origin: how their people are named, where they come from, how their phone
numbers look.

The names are common generic given names, father's names and family names of each language
area, combined at random: no record describes a real person. Each community carries the
spelling variants its names are really written in, so duplicate registrations can be
misspelt the way registration clerks misspell them.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate

# How the family name is formed, per household: from the father's given name (Arabic, Hausa
# patronymics), father's and grandfather's names (Somali, long Arabic forms), an inherited or
# personal family name (Hausa surnames, Congolese "postnom"), or not at all (single names).
FATHER = "father"
FATHER_GRANDFATHER = "father_grandfather"
SURNAME = "surname"
NO_FAMILY_NAME = "none"


def _pool(spec: str) -> tuple[str, ...]:
    """`"Mohammed*8 Ahmed*4 Abdel_Karim"` → a tuple with repeats as weights; `_` is a space."""
    names: list[str] = []
    for item in spec.split():
        name, _, weight = item.partition("*")
        names.extend([name.replace("_", " ")] * int(weight or 1))
    return tuple(names)


def _groups(spec: str) -> tuple[tuple[str, ...], ...]:
    """`"Mohammed/Muhammad/Mohamed; Omer/Omar"` → spelling groups, the usual spelling first."""
    return tuple(
        tuple(v.strip() for v in group.split("/")) for group in spec.split(";") if group.strip()
    )


@dataclass(frozen=True)
class WeightedChoice:
    values: tuple[str, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, pairs: tuple[tuple[str, float], ...]) -> WeightedChoice:
        return cls(tuple(v for v, _ in pairs), tuple(accumulate(w for _, w in pairs)))

    def pick(self, rnd: random.Random) -> str:
        return self.values[bisect(self.cumulative, rnd.random() * self.cumulative[-1])]


@dataclass(frozen=True)
class PhonePlan:
    country_code: str
    prefixes: tuple[str, ...]  # first digits of the national number
    length: int  # digits of the national number, without the trunk 0
    share: float  # households that give a phone number

    def number(self, rnd: random.Random) -> str:
        prefix = self.prefixes[int(rnd.random() * len(self.prefixes))]
        free = self.length - len(prefix)
        return self.render(f"{prefix}{rnd.getrandbits(48) % 10**free:0{free}d}", rnd.random())

    def render(self, national: str, style: float) -> str:
        """The same number in the styles clerks write it, by `style` in [0, 1):
        +249 912 345 678, 0912 345 678 or 0912345678."""
        if style < 0.6:
            return f"+{self.country_code} {_group_digits(national)}"
        if style < 0.85:
            return f"0{_group_digits(national)}"
        return f"0{national}"

    def national_number(self, phone: str) -> str:
        digits = "".join(ch for ch in phone if ch.isdigit())
        if phone.startswith("+") and digits.startswith(self.country_code):
            return digits[len(self.country_code) :]
        return digits.removeprefix("0")


def replace_spelling(name: str, old: str, new: str) -> str:
    """`name` with the whole name or the word `old` written `new`."""
    if name == old:
        return new
    return " ".join(new if word == old else word for word in name.split(" "))


def _group_digits(national: str) -> str:
    # 9 digits: 912 345 678; 10 digits: 803 123 4567.
    head = len(national) - 4 if len(national) % 3 == 1 else len(national) - 3
    groups = [national[i : i + 3] for i in range(0, head, 3)]
    groups.append(national[head:])
    return " ".join(groups)


@dataclass(frozen=True)
class Community:
    key: str
    label: str
    languages: WeightedChoice
    nationalities: WeightedChoice
    family_name_styles: WeightedChoice
    # Places of origin, each with the spellings it is registered under (usual spelling first).
    places: tuple[tuple[str, ...], ...]
    male_names: tuple[str, ...]
    female_names: tuple[str, ...]
    family_names: tuple[str, ...]  # inherited surnames / personal postnoms
    spelling_groups: tuple[tuple[str, ...], ...]
    phone: PhonePlan
    male_aliases: tuple[str, ...]  # templates: {given}, {male} (another man's name)
    female_aliases: tuple[str, ...]
    second_wife_share: float  # couples where the husband registers two wives
    exact_birth_date_factor: float  # how often this community has documents with exact dates
    # Children who get a family name of their own instead of the father's (Congolese postnom),
    # and people with two family names.
    own_family_name_share: float = 0.0
    double_family_name_share: float = 0.0
    # Names written with an article that clerks render El Nour, Elnour or Al-Nour.
    arabic_particles: bool = False
    # Names of the form "Mohammed Alam" that are a whole name on their own.
    single_name_parts: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]] = (
        (),
        (),
        (),
        (),
    )
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, tuple[str, ...]] = {}
        for group in self.spelling_groups:
            for spelling in group:
                index[spelling.casefold()] = group
        object.__setattr__(self, "variants", index)

    def given_name(self, rnd: random.Random, female: bool) -> str:
        if self.single_name_parts[0]:
            first, second = self.single_name_parts[2:] if female else self.single_name_parts[:2]
            name = first[int(rnd.random() * len(first))]
            last = second[int(rnd.random() * len(second))]
            return f"{name} {last}" if last else name
        pool = self.female_names if female else self.male_names
        return pool[int(rnd.random() * len(pool))]

    def male_name(self, rnd: random.Random) -> str:
        return self.male_names[int(rnd.random() * len(self.male_names))]

    def family_name(self, rnd: random.Random) -> str:
        return self.family_names[int(rnd.random() * len(self.family_names))]

    def place(self, rnd: random.Random) -> str:
        # Earlier places in the list send more people (a few places dominate any influx).
        spellings = self.places[int(len(self.places) * rnd.random() ** 1.6)]
        if len(spellings) > 1 and rnd.random() < 0.15:
            return spellings[1 + int(rnd.random() * (len(spellings) - 1))]
        return spellings[0]

    def other_spelling(self, rnd: random.Random, name: str) -> str | None:
        """Another usual spelling of the name, or None when there is none."""
        respelt = self.respell(rnd, name)
        return None if respelt is None else replace_spelling(name, *respelt)

    def respell(self, rnd: random.Random, name: str) -> tuple[str, str] | None:
        """A spelling in the name (the whole name, as "Abdul Rahman", or one word of it) and
        another usual spelling of it."""
        candidates = [w for w in name.split(" ") if w.casefold() in self.variants]
        if " " in name and name.casefold() in self.variants:
            candidates.append(name)
        if not candidates:
            return None
        old = candidates[int(rnd.random() * len(candidates))]
        others = [s for s in self.variants[old.casefold()] if s.casefold() != old.casefold()]
        return old, others[int(rnd.random() * len(others))]

    def place_spelling(self, rnd: random.Random, place: str) -> str | None:
        for spellings in self.places:
            if place in spellings and len(spellings) > 1:
                others = [s for s in spellings if s != place]
                return others[int(rnd.random() * len(others))]
        return None


SUDANESE_ARABIC = Community(
    key="darfur_arabic",
    label="Darfur (Arabic-speaking)",
    languages=WeightedChoice.of((("ar", 1.0),)),
    nationalities=WeightedChoice.of((("SDN", 0.96), ("TCD", 0.04))),
    family_name_styles=WeightedChoice.of(((FATHER, 0.6), (FATHER_GRANDFATHER, 0.4))),
    places=(
        ("El Fasher", "Al Fashir", "El Fashir"),
        ("Nyala", "Niyala"),
        ("El Geneina", "Geneina", "Al Junaynah"),
        ("Zalingei", "Zalingey"),
        ("Kutum", "Kutom"),
        ("Tawila", "Tawilah"),
        ("Kabkabiya", "Kebkabiya"),
        ("Mellit", "Malit"),
    ),
    male_names=_pool(
        "Mohammed*8 Ahmed*4 Abdallah*3 Ibrahim*3 Ismail*2 Yousif*3 Adam*4 Hassan*3 Hussein*2"
        " Omer*2 Osman*2 Ali*3 Khalid*2 Abdelrahman*2 Abdelaziz Abdelkarim Mustafa*2 Idris*2"
        " Musa*2 Haroun*2 Suleiman*2 Yahya Jamal Salah Eltayeb Siddig Elnour Bashir Hamid"
        " Abakar*2 Issa Ishag*2 Babiker Fadul Mahmoud Saleh Zakaria Yagoub*2 Abdelmajid Eltahir"
        " Elfadil Abbas Nasir Hamza Mubarak Juma Anwar Mahjoub Tijani Hamdan Daoud"
    ),
    female_names=_pool(
        "Fatima*5 Amna*3 Aisha*3 Khadija*3 Mariam*3 Hawa*4 Zeinab*2 Halima*3 Asha*2 Safia"
        " Nafisa Sara*2 Hanan Mona Samira Amal Salma*2 Huda Najwa Suad Intisar Sumaya Zahra"
        " Awatif Nasra Rawda Kaltouma*2 Hadiya Igbal Ikhlas Sakina Tahani Zamzam Rahma Achta"
        " Mastoura Fatna Howaida"
    ),
    family_names=(),
    spelling_groups=_groups(
        "Mohammed/Muhammad/Mohamed/Mohamad/Mohammad/Mahamat; Ahmed/Ahmad/Ahmet;"
        " Abdelrahman/Abdul Rahman/Abderrahmane/Abdurrahman/Abd al-Rahman;"
        " Abdelaziz/Abdul Aziz/Abdulaziz/Abdel Aziz; Abdelkarim/Abdul Karim/Abdelkerim;"
        " Abdelmajid/Abdul Majid/Abdelmagid; Abdallah/Abdullah/Abdalla; Yousif/Yusuf/Youssef;"
        " Omer/Omar/Umar; Osman/Othman/Uthman; Hussein/Hussain/Husein; Hassan/Hasan;"
        " Ibrahim/Ebrahim/Brahim; Ismail/Ismaeil/Esmail; Suleiman/Sulaiman/Soliman/Sulayman;"
        " Yagoub/Yacoub/Yaqub; Ishag/Ishaq/Ishak; Mustafa/Mostafa/Moustafa; Siddig/Siddiq/Seddik;"
        " Elnour/El Nour/Al-Nour/Nour; Eltayeb/El Tayeb/Al-Tayeb/Tayeb;"
        " Elfadil/El Fadil/Al-Fadil; Eltahir/El Tahir/Al-Tahir; Haroun/Harun/Haroon;"
        " Idris/Idriss/Edris; Musa/Moussa/Mousa; Issa/Isa/Eisa; Zakaria/Zakariya/Zakariyya;"
        " Mahmoud/Mahmud/Mahmood; Saleh/Salih/Saalih; Daoud/Dawood/Dawud; Abakar/Abbakar/Abubakar;"
        " Fatima/Fatma/Fatouma/Fatimah; Khadija/Khadijah/Kadija/Khadidja; Aisha/Aicha/Aysha;"
        " Mariam/Maryam/Meriam; Zeinab/Zainab/Zaynab; Hawa/Hawwa; Halima/Halimah/Haleema;"
        " Safia/Safiya/Safiyya; Kaltouma/Kaltoum/Kalthoum/Kulthum; Sumaya/Somaya/Sumayah;"
        " Huda/Houda/Hoda; Amna/Aamna; Nafisa/Nefisa/Nafeesa; Suad/Souad/Soad; Igbal/Iqbal"
    ),
    phone=PhonePlan("249", ("91", "92", "96", "99", "90", "12"), 9, 0.68),
    male_aliases=("Abu {male}", "Abu {male}", "Hajj {given}"),
    female_aliases=("Umm {male}", "Umm {male}", "Hajja {given}"),
    second_wife_share=0.03,
    exact_birth_date_factor=1.0,
    arabic_particles=True,
)

SOMALI = Community(
    key="somali",
    label="Somali",
    languages=WeightedChoice.of((("so", 1.0),)),
    nationalities=WeightedChoice.of((("SOM", 0.97), ("ETH", 0.03))),
    family_name_styles=WeightedChoice.of(((FATHER_GRANDFATHER, 1.0),)),
    places=(
        ("Baidoa", "Baydhabo"),
        ("Kismayo", "Kismaayo"),
        ("Beledweyne", "Beled Weyne", "Baladweyne"),
        ("Dinsor", "Diinsoor"),
        ("Afgooye", "Afgoye"),
        ("Jowhar", "Jawhar"),
        ("Bardera", "Baardheere"),
        ("Luuq", "Lugh"),
    ),
    male_names=_pool(
        "Mohamed*6 Abdi*3 Abdullahi*3 Ahmed*3 Hassan*3 Hussein*2 Ali*3 Omar*2 Yusuf*2"
        " Ibrahim*2 Abdirahman*2 Abdirashid Abdikarim Abdiaziz Farah*2 Hirsi Warsame Jama*2"
        " Dahir Guled Mahad Liban Abdiqani Bashir Nur*2 Aden*2 Osman*2 Said*2 Ismail*2"
        " Mohamud*2 Abdiwali Yasin Sharif Hamza Elmi Duale Shire Hersi Gedi Awil Sahal Ilyas"
        " Kahin Abukar Isse Musse Roble Samatar"
    ),
    female_names=_pool(
        "Hodan Amina*2 Fadumo*3 Halimo*2 Sahra*2 Hawo*2 Asha*2 Khadra Maryan*2 Ifrah Nasra"
        " Sagal Ubah Deeqa Hibo Shukri Sacdiya Fartun Ladan Anab Idil Ayan Hamdi Naima Sucad"
        " Muna Ruqiya Safiya Sadiyo Istahil Raho Khadija*2 Zamzam Nimco Farhiya"
    ),
    family_names=(),
    spelling_groups=_groups(
        "Mohamed/Maxamed/Mohammed/Mahamed; Ahmed/Axmed/Ahmad; Abdi/Cabdi;"
        " Abdullahi/Cabdullaahi/Abdulahi; Hassan/Xasan/Hasan; Hussein/Xuseen/Husein; Ali/Cali;"
        " Omar/Cumar; Fadumo/Faduma/Fatuma/Fadma; Hawo/Xaawo/Hawa; Halimo/Xaliimo/Halima;"
        " Abdirahman/Cabdiraxmaan/Abdurahman; Ibrahim/Ibraahim; Ismail/Ismaaciil; Yusuf/Yuusuf;"
        " Maryan/Maryam/Mariam; Sacdiya/Sadia/Saadiya; Sucad/Suad; Nur/Nuur; Said/Saciid;"
        " Mohamud/Maxamuud/Mahmoud; Khadra/Khadro; Abdikarim/Cabdikariim/Abdulkarim;"
        " Abdirashid/Cabdirashiid; Warsame/Warsama; Dahir/Daahir/Tahir; Jama/Jaamac;"
        " Farah/Faarax; Aden/Aadan/Adan; Osman/Cusmaan/Usman; Isse/Ciise/Issa; Musse/Muuse/Musa;"
        " Sahra/Saxra/Sahro; Nimco/Nimo; Ubah/Ubax; Deeqa/Deka; Hodan/Xodan; Idil/Ideel"
    ),
    phone=PhonePlan("252", ("61", "62", "63", "90", "68"), 9, 0.75),
    male_aliases=("{given} Dheere", "{given} Yare", "{given} Gaab", "{given} Madoobe"),
    female_aliases=("{given} Yare", "{given} Cadey", "Ayeeyo {given}"),
    second_wife_share=0.02,
    exact_birth_date_factor=0.7,
)

HAUSA_KANURI = Community(
    key="hausa_kanuri",
    label="Hausa and Kanuri (north-east Nigeria)",
    languages=WeightedChoice.of((("ha", 0.65), ("kr", 0.35))),
    nationalities=WeightedChoice.of((("NGA", 0.95), ("NER", 0.03), ("CMR", 0.02))),
    family_name_styles=WeightedChoice.of(((FATHER, 0.7), (SURNAME, 0.3))),
    places=(
        ("Bama",),
        ("Gwoza", "Gwosa"),
        ("Dikwa",),
        ("Monguno", "Mongonu"),
        ("Ngala",),
        ("Konduga",),
        ("Damboa", "Damboua"),
        ("Kukawa",),
    ),
    male_names=_pool(
        "Mohammed*5 Abubakar*3 Musa*3 Usman*2 Ibrahim*3 Aliyu*2 Sani*2 Bello*2 Umar*2"
        " Yusuf*2 Haruna Lawan*2 Garba*2 Adamu*2 Suleiman Abdullahi*2 Ahmadu Isa Babagana*2"
        " Modu*3 Bukar*3 Kachalla Mustapha*2 Goni Ali*2 Bulama Zanna Kyari Shettima Hamza"
        " Yakubu Idrissa Tijjani Dauda Nuhu Danjuma Ahmed Mamman Baba"
    ),
    female_names=_pool(
        "Aisha*3 Fatima*3 Hauwa*3 Zainab*2 Hadiza*2 Amina*2 Maryam*2 Bintu*2 Falmata*3"
        " Kaltume*2 Yagana*2 Fanna*2 Zara Hajara Halima*2 Hafsat Rakiya Salamatu Jummai Ladi"
        " Asabe Khadija Hassana Husseina Gambo Ya_Kaka Aishatu Maimuna Binta Hannatu Saratu"
        " Ummi Yakura Mairo"
    ),
    family_names=_pool(
        "Abubakar*2 Musa*2 Bello*2 Ibrahim*2 Mohammed*2 Umar Usman Aliyu Sani Garba Lawan"
        " Adamu Modu*2 Bukar*2 Kyari Shettima Goni Zanna Mustapha Kachalla Yerima Grema Ali"
        " Maina Mongonu Gana Tijjani Abba"
    ),
    spelling_groups=_groups(
        "Mohammed/Muhammad/Muhammed/Mohammad/Mamman; Abubakar/Abubakr/Abu Bakar/Abubakari;"
        " Usman/Usmanu/Uthman/Osman; Umar/Umaru/Omar; Aliyu/Aliu/Aliyi; Hauwa/Hawa/Hauwau;"
        " Hadiza/Hadizah/Adiza; Aisha/Aishatu/A'isha/Ayisha; Fatima/Fatimah/Fatimatu/Fati;"
        " Zainab/Zainabu/Zaynab; Maryam/Mariam/Maryamu; Mustapha/Mustafa/Mustafah;"
        " Yakubu/Yakub/Yaqub; Tijjani/Tijani/Tidjani; Babagana/Baba Gana/Babagama;"
        " Ya Kaka/Yakaka/Yaa Kaka; Falmata/Falmatta/Fatimata; Kaltume/Kaltumi/Kaltoume;"
        " Yagana/Yagane/Yakana; Hajara/Hajaratu/Hajarat; Ibrahim/Ibrahima/Iburahim;"
        " Suleiman/Sulaiman/Sulaimanu; Haruna/Harun/Haroun; Adamu/Adam/Adamou;"
        " Isa/Issa/Isah; Abdullahi/Abdullah/Abdulahi; Bukar/Boukar; Modu/Moddu/Modou;"
        " Shettima/Shetima/Shehu; Kyari/Kiyari; Kachalla/Kashalla; Dauda/Daouda/Dawuda;"
        " Amina/Aminah/Aminatu; Salamatu/Salamatou; Hafsat/Hafsah/Hafsatu; Bintu/Bintou/Binta"
    ),
    phone=PhonePlan("234", ("803", "806", "813", "816", "703", "706", "810", "905"), 10, 0.6),
    male_aliases=("Mallam {given}", "Baba {given}", "Alhaji {given}"),
    female_aliases=("Hajiya {given}", "Mama {given}", "Ya {given}"),
    second_wife_share=0.06,
    exact_birth_date_factor=0.8,
)

ROHINGYA = Community(
    key="rakhine_single_names",
    label="Rakhine origin (single names)",
    languages=WeightedChoice.of((("rhg", 1.0),)),
    nationalities=WeightedChoice.of((("XXA", 0.92), ("MMR", 0.05), ("XXX", 0.03))),
    family_name_styles=WeightedChoice.of(((NO_FAMILY_NAME, 1.0),)),
    places=(
        ("Maungdaw", "Maungdo"),
        ("Buthidaung", "Buthidong"),
        ("Rathedaung", "Rathedong"),
        ("Sittwe", "Akyab"),
        ("Kyauktaw",),
        ("Minbya", "Minbiya"),
    ),
    male_names=_pool(
        "Mohammed*4 Nur*2 Abdul*2 Sayed Abu Jamal Kabir Shah Zafar Anwar Kamal Hamid Sultan"
        " Rashid Amin Rahmat Enayet Hashim Nurul*2 Ali Mujib Aziz Habib Faisal"
    ),
    female_names=_pool(
        "Rashida Hasina Nur Sabekun Rokeya Hamida Shamsun Minara Sufia Fatema Ayesha Dildar"
        " Laila Setara Anwara Gul Jannat Rahima Taslima Kulsuma Rehana Momtaz Sanjida Hosne"
        " Rabeya Jamila Nasima Khaleda"
    ),
    family_names=(),
    spelling_groups=_groups(
        "Mohammed/Mohammad/Muhammad/Md./Mohamad; Hussain/Hossain/Husain/Hussein;"
        " Ullah/Ulla/Ollah; Begum/Begom/Bagum; Khatun/Khatoon/Katun; Siddique/Siddik/Siddiq;"
        " Rafiq/Rofique/Rafique; Younus/Yunus/Yunous; Ayub/Ayoub/Aiyub; Fatema/Fatima/Fatuma;"
        " Ayesha/Aysha/Aisha; Nur/Noor/Nour; Nurul/Noorul/Nurol; Islam/Eslam/Islaam;"
        " Shukkur/Shukur/Sukkur; Alam/Alom/Allam; Haque/Hoque/Huq; Kalam/Kalaam/Kolam;"
        " Nahar/Nahaar; Rashida/Rashidah/Roshida; Rokeya/Rokiya/Rukiya; Hasina/Hassina;"
        " Sufia/Sofia/Sufiya; Anwara/Anowara/Anuara; Setara/Sitara/Satara; Minara/Monara;"
        " Zafar/Jafar/Zafor; Sultan/Soltan; Kabir/Kobir; Hamid/Hameed/Hamed; Karim/Kareem;"
        " Salim/Saleem/Selim; Amin/Ameen/Amen; Rahmat/Rahamat/Rohmot; Kasim/Kashem/Qasim;"
        " Sayed/Syed/Sayeed; Jannat/Jinnat/Jannath; Rabeya/Rabia/Rabiya"
    ),
    phone=PhonePlan("880", ("13", "14", "15", "16", "17", "18", "19"), 10, 0.45),
    # Burmese names some people were registered under in Myanmar.
    male_aliases=("Maung Tun", "Maung Aye", "Kyaw Min", "Aung Lwin", "Tun Hla", "Maung Hla"),
    female_aliases=("Ma Hla", "Ma Aye", "Ma Khin", "Ma Mya", "Ma Than"),
    second_wife_share=0.0,
    exact_birth_date_factor=0.4,
    single_name_parts=(
        _pool(
            "Mohammed*5 Nur*2 Abdul*2 Sayed Abu Jamal Kabir Shah Zafar Anwar Kamal Hamid Sultan"
            " Rashid Amin Rahmat Enayet Hashim Nurul*2 Ali Mujib Aziz Habib"
        ),
        _pool(
            "Alam*3 Kalam Hakim Rafiq Islam*2 Siddique Ayub Hussain*2 Ahmed*2 Ullah*3 Karim"
            " Salim Younus Hossain Shukkur Sadek Haque Amin Zubair Kasim"
        ),
        _pool(
            "Rashida Hasina Nur*2 Sabekun Rokeya Hamida Shamsun Minara Sufia Fatema Ayesha"
            " Dildar Laila Setara Anwara Gul Jannat Rahima Taslima Kulsuma Rehana Momtaz"
            " Sanjida Hosne Rabeya Jamila Nasima Khaleda"
        ),
        (*_pool("Begum*5 Khatun*4 Nahar*2 Ara*2 Bahar Siddika"), "", "", ""),
    ),
)

CONGOLESE = Community(
    key="congolese_french",
    label="Eastern Congo (French-speaking)",
    languages=WeightedChoice.of((("fr", 0.45), ("sw", 0.4), ("ln", 0.15))),
    nationalities=WeightedChoice.of((("COD", 0.98), ("RWA", 0.02))),
    family_name_styles=WeightedChoice.of(((SURNAME, 1.0),)),
    places=(
        ("Rutshuru", "Rutchuru"),
        ("Masisi",),
        ("Nyiragongo", "Nyiragongo-Kibati"),
        ("Beni",),
        ("Lubero",),
        ("Kalehe",),
        ("Uvira",),
        ("Fizi",),
    ),
    male_names=_pool(
        "Jean*2 Jean-Pierre*2 Jean-Claude*2 Jean-Baptiste Joseph*2 Pierre Paul Emmanuel*2"
        " Dieudonné*2 Patrick Josué Moïse Pascal Olivier Christian Gloire Héritier Fiston"
        " Prince Trésor Espoir Justin Emery Innocent Faustin Célestin Didier Alain Blaise"
        " Daniel Samuel David Éric Papy Jonas Aimé Germain Baraka Amani"
    ),
    female_names=_pool(
        "Marie*2 Jeanne Esther*2 Grâce*2 Bénédicte Chantal Espérance*2 Françoise Joséphine"
        " Rachel Ruth Sarah Deborah Anuarite Clarisse Solange Furaha Neema*2 Aline Bernadette"
        " Béatrice Claudine Divine Merveille Nadine Annie Rose Sifa Nsimire Riziki Dorcas"
        " Élisabeth Pascaline Odette Véronique Mapendo Faida Jolie"
    ),
    family_names=_pool(
        "Mukendi Kasongo*2 Ilunga*2 Mutombo Tshibanda Kalala Lukusa Ngoy Banza Mwamba"
        " Bahati*2 Zawadi Byamungu Bisimwa*2 Cirhuza Mugisho Murhula Bashige Birindwa Kahindo*2"
        " Kavira*2 Masika*2 Muhindo*2 Kambale*2 Paluku*2 Kasereka*2 Katembo Mumbere Sikuli"
        " Mbusa Nzanzu Habimana Maombi Shukuru Tumaini Kabuya Tshimanga Mbuyi Kanyinda Mulumba"
        " Bukasa Kalonji Nkulu Kyungu Mulamba"
    ),
    spelling_groups=_groups(
        "Jean-Pierre/Jean Pierre/Jeanpierre; Jean-Claude/Jean Claude; Jean-Baptiste/Jean Baptiste;"
        " Dieudonné/Dieudonne/Dieu-Donné; Moïse/Moise/Moses; Josué/Josue; Héritier/Heritier;"
        " Trésor/Tresor; Grâce/Grace; Bénédicte/Benedicte; Espérance/Esperance;"
        " Françoise/Francoise; Joséphine/Josephine; Élisabeth/Elisabeth/Elizabeth;"
        " Béatrice/Beatrice; Véronique/Veronique; Célestin/Celestin; Éric/Eric; Aimé/Aime;"
        " Tshibanda/Chibanda; Tshimanga/Chimanga; Ilunga/Ilounga; Mukendi/Moukendi;"
        " Mutombo/Moutombo; Kasereka/Kaserek/Kaserika; Muhindo/Mouhindo; Mumbere/Moumbere;"
        " Kambale/Kambali; Bisimwa/Bisimua; Cirhuza/Chiruza/Tshiruza; Mugisho/Mugishu;"
        " Byamungu/Biamungu; Habimana/Abimana; Nsimire/Nsimile; Riziki/Rizigi; Kahindo/Kaindo;"
        " Kavira/Kavila; Paluku/Palouku; Katembo/Katembu; Kabuya/Kabouya; Mbuyi/Mbuy/Mbuyu;"
        " Neema/Nema; Furaha/Foraha; Deborah/Debora/Débora; Sarah/Sara; Esther/Ester"
    ),
    phone=PhonePlan("243", ("81", "82", "84", "85", "89", "97", "99"), 9, 0.7),
    male_aliases=("Papa {given}", "{given} Junior"),
    female_aliases=("Maman {given}", "Mama {given}"),
    second_wife_share=0.01,
    exact_birth_date_factor=0.9,
    own_family_name_share=0.7,
    double_family_name_share=0.25,
)

COMMUNITIES = (SUDANESE_ARABIC, HAUSA_KANURI, SOMALI, CONGOLESE, ROHINGYA)
COMMUNITY_BY_KEY = {c.key: c for c in COMMUNITIES}
# Share of each community in the whole caseload, before each site's own mix.
COMMUNITY_WEIGHTS = (0.34, 0.22, 0.18, 0.14, 0.12)
