package io.openautoglm.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The tokenizer against outputs of the Stanford PTBTokenizer 3.4.1 ({@code -preserveLines -lowerCase})
 * followed by the COCO toolkit's punctuation filter, recorded by running the jar on these lines.
 */
class CocoCaptionTokenizerTest {
    private static void check(String caption, String expected) {
        assertThat(CocoCaptionTokenizer.tokenizeToString(caption)).as(caption).isEqualTo(expected);
    }

    @Test
    void lowercasesAndDropsSentencePunctuation() {
        check("A person holding an umbrella. ", "a person holding an umbrella");
        check("the man, the dog; the end: done!", "the man the dog the end done");
        check("an umbrella ... and stuff", "an umbrella and stuff");
        check("hey...you", "hey you");
        check("tennis-player -- on court", "tennis-player on court");
        check("\"hello\" she said 'quote' ok", "hello she said quote ok");
        check("\u201CSmart\u201D quotes \u2013 dash \u2014 emdash \u2026 ellipsis", "smart quotes dash emdash ellipsis");
        check("", "");
    }

    @Test
    void splitsContractionsAsPtbDoes() {
        check("The dog's toy isn't here", "the dog 's toy is n't here");
        check("He can't, won't, cannot and gonna", "he ca n't wo n't can not and gon na");
        check("I'd've can't've Don'T IT'S dogs' it\u2019s", "i 'd 've ca n't 've do n't it 's dogs it 's");
        check("I'm sure we've they're she'd you'll", "i 'm sure we 've they 're she 'd you 'll");
        check("rock'n'roll o'clock y'all 'tis '90s", "rock 'n' roll o'clock y' all 't is '90s");
    }

    @Test
    void keepsBracketTokensBecauseTheDropListIsUpperCase() {
        check("A man (wearing a hat) rides [blue] {green}", "a man -lrb- wearing a hat -rrb- rides -lsb- blue -rsb- -lcb- green -rcb-");
    }

    @Test
    void keepsRunsOfExclamationAndQuestionMarks() {
        check("wow!!! really??? what?!", "wow !!! really ??? what ?!");
    }

    @Test
    void periodsNumbersAndAbbreviations() {
        check("U.S. army at 3:30 p.m. costs $5.50 or 50% off, 1,000 times", "u.s. army at 3:30 p.m. costs $ 5.50 or 50 % off 1,000 times");
        check("a photo of mr. bean and dr. who in the st. louis area.", "a photo of mr. bean and dr. who in the st. louis area");
        check("there is a.", "there is a.");
        check("it is 3.5 or .5 or 5.", "it is 3.5 or .5 or 5");
        check("100,000.50 1,2,3 a,b", "100,000.50 1,2,3 a b");
        check("it's 5:00pm, 10:30. ok", "it 's 5:00 pm 10:30 ok");
    }

    @Test
    void symbols() {
        check("#1 @home a&b AT&T 5pm -5 well- --x", "# 1 @home a & b at&t 5pm -5 well x");
        check("a+b=c x<y 2*3 a/b ~tilde", "a + b = c x < y 2 * 3 a/b ~ tilde");
        check("caf\u00E9 smile \uD83D\uDE42 20\u00B0 \u00BD \u20AC5", "caf\u00E9 smile 20 \u00B0 1/2 $ 5");
        check("(a) <d>", "-lrb- a -rrb- <d>");
        check("A plate w/ pizza, fries, etc. on a table", "a plate w / pizza fries etc. on a table");
    }
}
