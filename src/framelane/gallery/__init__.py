"""`framelane gallery OUTDIR`: every effect, motion, transition and caption style rendered as a
short clip and a labelled contact sheet, so a person can see that each one works and looks
right."""
