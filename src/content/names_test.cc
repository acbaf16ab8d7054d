#include "content/names.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace cinepress {
namespace {

// ----- Given-first names --------------------------------------------------------------------

TEST(ParsePersonName, EnglishNameSortsByFamilyName) {
  const PersonName n = ParsePersonName("Marion Hale");
  EXPECT_EQ(n.display, "Marion Hale");
  EXPECT_EQ(n.family, "Hale");
  EXPECT_EQ(n.given, "Marion");
  EXPECT_EQ(n.sort_text, "Hale, Marion");
  EXPECT_EQ(n.letter, "H");
}

TEST(ParsePersonName, MiddleNamesStayWithTheGivenName) {
  const PersonName n = ParsePersonName("Sarah Jane Whitfield");
  EXPECT_EQ(n.family, "Whitfield");
  EXPECT_EQ(n.given, "Sarah Jane");
  EXPECT_EQ(n.sort_text, "Whitfield, Sarah Jane");
  EXPECT_EQ(n.letter, "W");
}

TEST(ParsePersonName, GermanVonDoesNotFile) {
  const PersonName n = ParsePersonName("Greta von Adler");
  EXPECT_EQ(n.family, "von Adler");
  EXPECT_EQ(n.given, "Greta");
  EXPECT_EQ(n.sort_text, "Adler, Greta von");
  EXPECT_EQ(n.letter, "A");
  EXPECT_EQ(ParsePersonName("Kurt von der Linde").sort_text, "Linde, Kurt von der");
}

TEST(ParsePersonName, DutchLowercaseVanDerDoesNotFile) {
  const PersonName n = ParsePersonName("Pieter van der Wiel");
  EXPECT_EQ(n.family, "van der Wiel");
  EXPECT_EQ(n.given, "Pieter");
  EXPECT_EQ(n.sort_text, "Wiel, Pieter van der");
  EXPECT_EQ(n.letter, "W");
  EXPECT_EQ(ParsePersonName("Femke van den Hoek").sort_text, "Hoek, Femke van den");
}

TEST(ParsePersonName, CapitalisedParticlesFileWithTheFamilyName) {
  // Belgian and American usage: the particle is written capitalised and files.
  const PersonName de = ParsePersonName("Tony De Rosa");
  EXPECT_EQ(de.family, "De Rosa");
  EXPECT_EQ(de.sort_text, "De Rosa, Tony");
  EXPECT_EQ(de.letter, "D");
  EXPECT_EQ(ParsePersonName("Lotte Van Aken").sort_text, "Van Aken, Lotte");
  EXPECT_EQ(ParsePersonName("Lotte Van Aken").letter, "V");
  EXPECT_EQ(ParsePersonName("Nina La Bella").sort_text, "La Bella, Nina");
  // From the first capitalised particle on, the rest files with it.
  EXPECT_EQ(ParsePersonName("Mark Van der Berg").sort_text, "Van der Berg, Mark");
}

TEST(ParsePersonName, FrenchDeLaAndElidedD) {
  EXPECT_EQ(ParsePersonName("Claire de la Motte").sort_text, "Motte, Claire de la");
  const PersonName d = ParsePersonName("Hélène d'Aubry");
  EXPECT_EQ(d.family, "d'Aubry");
  EXPECT_EQ(d.given, "Hélène");
  EXPECT_EQ(d.sort_text, "Aubry, Hélène d'");
  EXPECT_EQ(d.letter, "A");
  EXPECT_EQ(ParsePersonName("Hélène d’Aubry").sort_text, "Aubry, Hélène d’");
  // A capitalised article after "de" files: "La Tour" under L.
  EXPECT_EQ(ParsePersonName("Louis de La Tour").sort_text, "La Tour, Louis de");
  // "D'" written capitalised is part of the family name.
  EXPECT_EQ(ParsePersonName("Sean D'Arcy").sort_text, "D'Arcy, Sean");
}

TEST(ParsePersonName, SpanishDelDoesNotFile) {
  const PersonName n = ParsePersonName("Rodrigo del Valle");
  EXPECT_EQ(n.family, "del Valle");
  EXPECT_EQ(n.sort_text, "Valle, Rodrigo del");
  EXPECT_EQ(n.letter, "V");
}

TEST(ParsePersonName, SpanishDoubleFamilyNameFilesUnderItsFirstPart) {
  const PersonName n = ParsePersonName("Lucía Fernández Olmos");
  EXPECT_EQ(n.family, "Fernández Olmos");
  EXPECT_EQ(n.given, "Lucía");
  EXPECT_EQ(n.sort_text, "Fernández Olmos, Lucía");
  EXPECT_EQ(n.letter, "F");
  EXPECT_EQ(ParsePersonName("Tomás García Ruiz").sort_text, "García Ruiz, Tomás");
  EXPECT_EQ(ParsePersonName("Mateo Ibarra y Solís").sort_text, "Ibarra y Solís, Mateo");
  // Not for a middle name that is not a Spanish family name.
  EXPECT_EQ(ParsePersonName("Mary Ellen Carter").sort_text, "Carter, Mary Ellen");
  EXPECT_EQ(ParsePersonName("Ana Inez Porter").sort_text, "Porter, Ana Inez");
}

TEST(ParsePersonName, ItalianParticlesByCase) {
  EXPECT_EQ(ParsePersonName("Paolo Di Stefano").sort_text, "Di Stefano, Paolo");
  EXPECT_EQ(ParsePersonName("Chiara della Valle").sort_text, "Valle, Chiara della");
}

TEST(ParsePersonName, ArabicLowercaseAlDoesNotFile) {
  const PersonName n = ParsePersonName("Yasmin al-Khatib");
  EXPECT_EQ(n.family, "al-Khatib");
  EXPECT_EQ(n.sort_text, "Khatib, Yasmin al-");
  EXPECT_EQ(n.letter, "K");
  EXPECT_EQ(ParsePersonName("Omar Al-Rashid").sort_text, "Al-Rashid, Omar");
}

TEST(ParsePersonName, PolishAndCzechDiacriticsKeepTheirLettersButFileUnderTheBase) {
  const PersonName pl = ParsePersonName("Ewa Łukowska");
  EXPECT_EQ(pl.sort_text, "Łukowska, Ewa");
  EXPECT_EQ(pl.letter, "L");
  const PersonName cz = ParsePersonName("Šárka Čapková");
  EXPECT_EQ(cz.sort_text, "Čapková, Šárka");
  EXPECT_EQ(cz.letter, "C");
  // Among the L's: after "Lubicz", before "Lutosz" and far before "M".
  EXPECT_LT(CompareSortText("Lubicz, Adam", pl.sort_text), 0);
  EXPECT_LT(CompareSortText(pl.sort_text, "Lutosz, Jan"), 0);
  EXPECT_LT(CompareSortText(pl.sort_text, "Mazur, Ola"), 0);
  EXPECT_GT(CompareSortText(pl.sort_text, "Kowal, Ida"), 0);
}

TEST(ParsePersonName, SuffixesFollowTheGivenName) {
  const PersonName n = ParsePersonName("Otis Crane Jr.");
  EXPECT_EQ(n.family, "Crane");
  EXPECT_EQ(n.given, "Otis");
  EXPECT_EQ(n.sort_text, "Crane, Otis Jr.");
  EXPECT_EQ(ParsePersonName("Otis Crane, Jr.").sort_text, "Crane, Otis Jr.");
  EXPECT_EQ(ParsePersonName("Henry Vale III").sort_text, "Vale, Henry III");
  EXPECT_EQ(ParsePersonName("Henry Vale Sr.").sort_text, "Vale, Henry Sr.");
}

TEST(ParsePersonName, SingleWordNameSortsAsItself) {
  const PersonName n = ParsePersonName("Noor");
  EXPECT_EQ(n.family, "Noor");
  EXPECT_EQ(n.given, "");
  EXPECT_EQ(n.sort_text, "Noor");
  EXPECT_EQ(n.letter, "N");
}

TEST(ParsePersonName, NameAlreadyWrittenFamilyFirstWithACommaIsKept) {
  const PersonName n = ParsePersonName("Hale, Marion");
  EXPECT_EQ(n.family, "Hale");
  EXPECT_EQ(n.given, "Marion");
  EXPECT_EQ(n.sort_text, "Hale, Marion");
}

TEST(ParsePersonName, WhitespaceIsNormalised) {
  const PersonName n = ParsePersonName("  Marion \t  Hale\n");
  EXPECT_EQ(n.display, "Marion Hale");
  EXPECT_EQ(n.sort_text, "Hale, Marion");
  // Unicode spaces too (a no-break space).
  EXPECT_EQ(ParsePersonName("Marion\u00a0Hale").sort_text, "Hale, Marion");
}

TEST(ParsePersonName, EmptyNameIsEmpty) {
  const PersonName n = ParsePersonName("   ");
  EXPECT_EQ(n.display, "");
  EXPECT_EQ(n.sort_text, "");
  EXPECT_EQ(n.letter, "#");
}

TEST(ParsePersonName, InvalidUtf8IsGivenFirstOnTheBytes) {
  const PersonName n = ParsePersonName("Ana \xff\xfe Bello");
  EXPECT_EQ(n.family, "Bello");
  EXPECT_EQ(n.sort_text, "Bello, Ana \xff\xfe");
  EXPECT_EQ(n.letter, "B");
  // Truncated Hangul: not family first, no crash.
  const PersonName k = ParsePersonName("\xeb\xb0 Kim");
  EXPECT_EQ(k.sort_text, "Kim, \xeb\xb0");
  EXPECT_EQ(ParsePersonName("\xff").letter, "#");
}

// ----- Family-first names -------------------------------------------------------------------

TEST(ParsePersonName, KoreanInHangulSortsAsWritten) {
  const PersonName n = ParsePersonName("박서연");
  EXPECT_EQ(n.family, "박");
  EXPECT_EQ(n.given, "서연");
  EXPECT_EQ(n.sort_text, "박서연");
  EXPECT_EQ(n.letter, "ㅂ");
  const PersonName spaced = ParsePersonName("정 하늘");
  EXPECT_EQ(spaced.family, "정");
  EXPECT_EQ(spaced.given, "하늘");
  EXPECT_EQ(spaced.sort_text, "정 하늘");
  EXPECT_EQ(spaced.letter, "ㅈ");
}

TEST(ParsePersonName, KoreanTwoSyllableFamilyNames) {
  const PersonName n = ParsePersonName("남궁민서");
  EXPECT_EQ(n.family, "남궁");
  EXPECT_EQ(n.given, "민서");
  EXPECT_EQ(n.letter, "ㄴ");
  EXPECT_EQ(ParsePersonName("황보유진").family, "황보");
  // Two syllables only: the family name is the first.
  EXPECT_EQ(ParsePersonName("선우").family, "선");
}

TEST(ParsePersonName, RomanisedKoreanWithHyphenatedGivenNameIsFamilyFirst) {
  const PersonName n = ParsePersonName("Kim Da-eun");
  EXPECT_EQ(n.family, "Kim");
  EXPECT_EQ(n.given, "Da-eun");
  EXPECT_EQ(n.sort_text, "Kim Da-eun");
  EXPECT_EQ(n.letter, "K");
  EXPECT_EQ(ParsePersonName("Park Seo-yeon").sort_text, "Park Seo-yeon");
  EXPECT_EQ(ParsePersonName("Jeong Min-hyuk").sort_text, "Jeong Min-hyuk");
  EXPECT_EQ(ParsePersonName("Jeong Min-hyuk").letter, "J");
  // Chinese (Wade-Giles) of the same shape.
  EXPECT_EQ(ParsePersonName("Tsai Ming-hua").family, "Tsai");
  EXPECT_EQ(ParsePersonName("Hou Hsiao-lan").sort_text, "Hou Hsiao-lan");
}

TEST(ParsePersonName, RomanisedDetectionNeedsAllItsSigns) {
  // Not hyphenated.
  EXPECT_EQ(ParsePersonName("Kim Daeun").sort_text, "Daeun, Kim");
  // A hyphenated given name that is not two romanised syllables.
  EXPECT_EQ(ParsePersonName("Lee Anne-Marie").sort_text, "Anne-Marie, Lee");
  // Written given name first.
  EXPECT_EQ(ParsePersonName("Da-eun Kim").sort_text, "Kim, Da-eun");
  // The first word is not a Korean or Chinese family name.
  EXPECT_EQ(ParsePersonName("Marta Ji-woo").sort_text, "Ji-woo, Marta");
}

TEST(ParsePersonName, ChineseInHanSplitsAfterTheFirstCharacter) {
  const PersonName n = ParsePersonName("王晓明");
  EXPECT_EQ(n.family, "王");
  EXPECT_EQ(n.given, "晓明");
  EXPECT_EQ(n.sort_text, "王晓明");
  EXPECT_EQ(n.letter, "王");
  EXPECT_EQ(ParsePersonName("李雯").family, "李");
}

TEST(ParsePersonName, ChineseCompoundFamilyNames) {
  const PersonName n = ParsePersonName("欧阳春晓");
  EXPECT_EQ(n.family, "欧阳");
  EXPECT_EQ(n.given, "春晓");
  EXPECT_EQ(n.letter, "欧");
  EXPECT_EQ(ParsePersonName("司马文").family, "司马");
  EXPECT_EQ(ParsePersonName("諸葛明遠").family, "諸葛");
}

TEST(ParsePersonName, JapaneseInKanjiIsWholeWithoutASpace) {
  const PersonName n = ParsePersonName("高橋美咲");
  EXPECT_EQ(n.family, "高橋美咲");
  EXPECT_EQ(n.given, "");
  EXPECT_EQ(n.sort_text, "高橋美咲");
  EXPECT_EQ(n.letter, "高");
  // A character written only in Japan.
  EXPECT_EQ(ParsePersonName("辻一郎").family, "辻一郎");
  // With a space, the first word.
  const PersonName spaced = ParsePersonName("松本 雪乃");
  EXPECT_EQ(spaced.family, "松本");
  EXPECT_EQ(spaced.given, "雪乃");
  // With kana.
  EXPECT_EQ(ParsePersonName("山口さくら").family, "山口さくら");
}

// ----- Overrides ----------------------------------------------------------------------------

TEST(ParsePersonName, ExplicitSortNameAlwaysWins) {
  const PersonName n = ParsePersonName("Greta von Adler", "Von Adler, Greta");
  EXPECT_EQ(n.sort_text, "Von Adler, Greta");
  EXPECT_EQ(n.letter, "V");
  EXPECT_EQ(n.family, "von Adler");  // the parts still come from the name as written
  const PersonName k = ParsePersonName("박서연", "Park Seoyeon");
  EXPECT_EQ(k.sort_text, "Park Seoyeon");
  EXPECT_EQ(k.letter, "P");
  // It wins over name_order too; a blank one is no sort name.
  EXPECT_EQ(ParsePersonName("Zhou Weiming", "Weiming", NameOrder::kFamilyFirst).sort_text,
            "Weiming");
  EXPECT_EQ(ParsePersonName("Marion Hale", "  ").sort_text, "Hale, Marion");
}

TEST(ParsePersonName, NameOrderOverridesDetection) {
  EXPECT_EQ(ParsePersonName("Zhou Weiming").sort_text, "Weiming, Zhou");
  const PersonName n = ParsePersonName("Zhou Weiming", "", NameOrder::kFamilyFirst);
  EXPECT_EQ(n.family, "Zhou");
  EXPECT_EQ(n.given, "Weiming");
  EXPECT_EQ(n.sort_text, "Zhou Weiming");
  EXPECT_EQ(n.letter, "Z");
  const PersonName g = ParsePersonName("Kim Da-eun", "", NameOrder::kGivenFirst);
  EXPECT_EQ(g.family, "Da-eun");
  EXPECT_EQ(g.sort_text, "Da-eun, Kim");
  EXPECT_EQ(ParsePersonName("박서연", "", NameOrder::kFamilyFirst).family, "박");
}

// ----- Titles -------------------------------------------------------------------------------

TEST(TitleSortText, EnglishArticles) {
  EXPECT_EQ(TitleSortText("The Quiet Harbour", "en"), "Quiet Harbour");
  EXPECT_EQ(TitleSortText("The Quiet Harbour"), "Quiet Harbour");
  EXPECT_EQ(TitleSortText("A Winter Ledger"), "Winter Ledger");
  EXPECT_EQ(TitleSortText("An Open Door", "en-GB"), "Open Door");
  EXPECT_EQ(TitleSortText("  The   Quiet  Harbour "), "Quiet Harbour");
}

TEST(TitleSortText, OnlyWholeWordsFollowedByASpace) {
  EXPECT_EQ(TitleSortText("Thermal Lines"), "Thermal Lines");
  EXPECT_EQ(TitleSortText("Lantern Road"), "Lantern Road");
  EXPECT_EQ(TitleSortText("The-End Club"), "The-End Club");
  EXPECT_EQ(TitleSortText("Ilse"), "Ilse");
}

TEST(TitleSortText, TitleThatIsOnlyAnArticleIsKeptWhole) {
  EXPECT_EQ(TitleSortText("The"), "The");
  EXPECT_EQ(TitleSortText("The ", "en"), "The");
  EXPECT_EQ(TitleSortText("L'", "fr"), "L'");
  EXPECT_EQ(TitleSortText(""), "");
}

TEST(TitleSortText, FrenchArticlesAndElision) {
  EXPECT_EQ(TitleSortText("Le Voyage immobile", "fr"), "Voyage immobile");
  EXPECT_EQ(TitleSortText("Le Voyage immobile"), "Voyage immobile");
  EXPECT_EQ(TitleSortText("Les Nuits courtes"), "Nuits courtes");
  EXPECT_EQ(TitleSortText("L'Étang gelé", "fr"), "Étang gelé");
  EXPECT_EQ(TitleSortText("L'Étang gelé"), "Étang gelé");
  EXPECT_EQ(TitleSortText("L’Horloger de Brest"), "Horloger de Brest");
  EXPECT_EQ(IndexLetter(TitleSortText("L'Étang gelé")), "E");
  // "The" is no French article.
  EXPECT_EQ(TitleSortText("The Quiet Harbour", "fr"), "The Quiet Harbour");
}

TEST(TitleSortText, GermanArticles) {
  EXPECT_EQ(TitleSortText("Die stillen Jahre", "de"), "stillen Jahre");
  EXPECT_EQ(TitleSortText("Der Pass im Schnee"), "Pass im Schnee");
  EXPECT_EQ(TitleSortText("Das Haus am Fluss", "de"), "Haus am Fluss");
  EXPECT_EQ(TitleSortText("Eine kurze Reise", "de"), "kurze Reise");
  // Without a language, "Die" needs a German-looking title.
  EXPECT_EQ(TitleSortText("Die kühlen Wälder"), "kühlen Wälder");
  EXPECT_EQ(TitleSortText("Die Frau mit der Laterne"), "Frau mit der Laterne");
  EXPECT_EQ(TitleSortText("Die Laughing Twice"), "Die Laughing Twice");
  EXPECT_EQ(TitleSortText("Den of Lanterns"), "Den of Lanterns");
  EXPECT_EQ(TitleSortText("Die Laughing Twice", "en"), "Die Laughing Twice");
}

TEST(TitleSortText, SpanishArticles) {
  EXPECT_EQ(TitleSortText("El Último verano", "es"), "Último verano");
  EXPECT_EQ(TitleSortText("El Último verano"), "Último verano");
  EXPECT_EQ(TitleSortText("Los días quietos"), "días quietos");
  EXPECT_EQ(TitleSortText("Las Hermanas del sur", "es"), "Hermanas del sur");
  EXPECT_EQ(TitleSortText("Lo que queda", "es"), "que queda");
  EXPECT_EQ(TitleSortText("Lo que queda"), "que queda");
  // A place name that starts with an article keeps it.
  EXPECT_EQ(TitleSortText("Las Vegas After Dark"), "Las Vegas After Dark");
  EXPECT_EQ(TitleSortText("Los Angeles Rain", "es"), "Los Angeles Rain");
}

TEST(TitleSortText, ItalianArticles) {
  EXPECT_EQ(TitleSortText("Il fiume lento", "it"), "fiume lento");
  EXPECT_EQ(TitleSortText("Il fiume lento"), "fiume lento");
  EXPECT_EQ(TitleSortText("Gli anni di vetro"), "anni di vetro");
  EXPECT_EQ(TitleSortText("L'estate breve", "it"), "estate breve");
  EXPECT_EQ(TitleSortText("Un'altra estate", "it"), "altra estate");
  EXPECT_EQ(TitleSortText("I cani del porto", "it"), "cani del porto");
  EXPECT_EQ(TitleSortText("I cani del porto"), "cani del porto");
  // Without a language, "I" and "Lo" stay before an English word.
  EXPECT_EQ(TitleSortText("I Know the Way Home"), "I Know the Way Home");
  EXPECT_EQ(TitleSortText("Lo and Hello"), "Lo and Hello");
}

TEST(TitleSortText, OtherLanguagesOnlyWhenGiven) {
  EXPECT_EQ(TitleSortText("O Som do Mar", "pt"), "Som do Mar");
  EXPECT_EQ(TitleSortText("O Brother Rides Again"), "O Brother Rides Again");
  EXPECT_EQ(TitleSortText("Het Stille Water", "nl"), "Stille Water");
  EXPECT_EQ(TitleSortText("Det sista ljuset", "sv"), "sista ljuset");
  // A language without articles removes nothing.
  EXPECT_EQ(TitleSortText("La Strada Nova", "pl"), "La Strada Nova");
}

// ----- Index letters ------------------------------------------------------------------------

TEST(IndexLetter, FirstLetterUppercasedWithoutAccents) {
  EXPECT_EQ(IndexLetter("Évora"), "E");
  EXPECT_EQ(IndexLetter("E\u0301vora"), "E");  // decomposed
  EXPECT_EQ(IndexLetter("Łódź"), "L");
  EXPECT_EQ(IndexLetter("Øresund"), "O");
  EXPECT_EQ(IndexLetter("ángel"), "A");
  EXPECT_EQ(IndexLetter("ßtraße"), "S");
  EXPECT_EQ(IndexLetter("  hale"), "H");
  EXPECT_EQ(IndexLetter("Άλφα"), "Α");  // Greek, without its tonos
  EXPECT_EQ(IndexLetter("йод"), "Й");   // a Cyrillic letter of its own
}

TEST(IndexLetter, DigitsPunctuationAndNothingFileUnderHash) {
  EXPECT_EQ(IndexLetter("1917 Stories"), "#");
  EXPECT_EQ(IndexLetter("(500) Nights"), "#");
  EXPECT_EQ(IndexLetter("'Burbs"), "#");
  EXPECT_EQ(IndexLetter(""), "#");
  EXPECT_EQ(IndexLetter("\xff\xfe"), "#");
}

TEST(IndexLetter, HangulFilesUnderItsInitialConsonant) {
  EXPECT_EQ(IndexLetter("박서연"), "ㅂ");
  EXPECT_EQ(IndexLetter("한강"), "ㅎ");
  EXPECT_EQ(IndexLetter("가을"), "ㄱ");
  // Tense consonants under the plain ones.
  EXPECT_EQ(IndexLetter("까치"), "ㄱ");
  EXPECT_EQ(IndexLetter("똑바로"), "ㄷ");
  EXPECT_EQ(IndexLetter("쌍둥이"), "ㅅ");
}

TEST(IndexLetter, HanAndKanaFileUnderTheFirstCharacter) {
  EXPECT_EQ(IndexLetter("張"), "張");
  EXPECT_EQ(IndexLetter("さくら"), "さ");
  EXPECT_EQ(IndexLetter("ｶﾒﾗ"), "カ");  // halfwidth katakana, full width
}

// ----- Order --------------------------------------------------------------------------------

TEST(CompareSortText, NumbersInNumericOrder) {
  EXPECT_LT(CompareSortText("Film 2", "Film 10"), 0);
  EXPECT_GT(CompareSortText("Film 10", "Film 2"), 0);
  EXPECT_LT(CompareSortText("Reel 9 of 12", "Reel 11 of 12"), 0);
}

TEST(CompareSortText, AccentsSecondaryCaseTertiary) {
  EXPECT_LT(CompareSortText("Angstrom", "Ångström"), 0);
  EXPECT_LT(CompareSortText("Ångström", "Angstroms"), 0);  // near Angstrom, not after Z
  EXPECT_LT(CompareSortText("Ångström", "Az"), 0);
  EXPECT_LT(CompareSortText("cote", "Côte"), 0);
  EXPECT_LT(CompareSortText("hale", "Hale"), 0);
  EXPECT_LT(CompareSortText("Hale", "hales"), 0);
}

TEST(CompareSortText, CommaSeparatesTheFamilyName) {
  EXPECT_LT(CompareSortText("Trier, Zoe", "Triera, Ann"), 0);
}

TEST(CompareSortText, OnlyIdenticalTextsAreEqual) {
  EXPECT_EQ(CompareSortText("Hale, Marion", "Hale, Marion"), 0);
  // Canonically equivalent, different bytes: still a strict, consistent order.
  const int ab = CompareSortText("Évora", "E\u0301vora");
  EXPECT_NE(ab, 0);
  EXPECT_EQ(CompareSortText("E\u0301vora", "Évora"), -ab);
  // Ill-formed UTF-8 compares without crashing.
  EXPECT_NE(CompareSortText("\xff", "A"), 0);
}

TEST(CompareSortText, MixedNamesSortTheWayAReaderExpects) {
  const std::vector<std::string> written = {"박서연",
                                            "Noor",
                                            "Tony De Rosa",
                                            "Ewa Łukowska",
                                            "王晓明",
                                            "Hélène d'Aubry",
                                            "Kim Da-eun",
                                            "Otis Crane Jr.",
                                            "Lotte Van Aken",
                                            "Marion Hale",
                                            "Adam Lubicz",
                                            "Šárka Čapková",
                                            "Greta von Adler",
                                            "Pieter van der Wiel",
                                            "Lucía Fernández Olmos"};
  std::vector<PersonName> names;
  for (const std::string& w : written) names.push_back(ParsePersonName(w));
  std::sort(names.begin(), names.end(), [](const PersonName& a, const PersonName& b) {
    return CompareSortText(a.sort_text, b.sort_text) < 0;
  });
  std::vector<std::string> order;
  std::string letters;
  for (const PersonName& n : names) {
    order.push_back(n.display);
    letters += n.letter + " ";
  }
  const std::vector<std::string> expected = {
      "Greta von Adler",     "Hélène d'Aubry", "Šárka Čapková",
      "Otis Crane Jr.",      "Tony De Rosa",   "Lucía Fernández Olmos",
      "Marion Hale",         "Kim Da-eun",     "Adam Lubicz",
      "Ewa Łukowska",        "Noor",           "Lotte Van Aken",
      "Pieter van der Wiel", "박서연",         "王晓明"};
  EXPECT_EQ(order, expected);
  EXPECT_EQ(letters, "A A C C D F H K L L N V W ㅂ 王 ");
}

}  // namespace
}  // namespace cinepress
