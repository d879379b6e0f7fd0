package io.seqstream.model.text;

/** The text holds a token the model's vocabulary does not have (and the vocabulary has no unknown symbol). */
public final class UnknownTokenException extends IllegalArgumentException {
    private final String token;
    private final int position;

    public UnknownTokenException(String token, int position) {
        super("unknown token '" + printable(token) + "' at position " + position);
        this.token = token;
        this.position = position;
    }

    public String token() { return token; }

    public int position() { return position; }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) sb.append(String.format("\\u%04x", cp));
            else sb.appendCodePoint(cp);
        });
        return sb.toString();
    }
}
