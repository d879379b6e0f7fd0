package io.seqstream.train.sentiment;

/**
 * One labelled IMDb review.
 *
 * @param id     the review id within its split and label folder
 * @param rating IMDb stars 1-10
 * @param label  1 = positive, 0 = negative
 * @param text   the review exactly as in the data set (HTML line breaks included)
 */
public record Review(int id, int rating, int label, String text) {
    public Review {
        if (label != 0 && label != 1) throw new IllegalArgumentException("label must be 0 or 1, was " + label);
    }
}
