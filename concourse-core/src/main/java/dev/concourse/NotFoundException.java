package dev.concourse;

/** A team, pipeline, job or build named in a call does not exist. */
public class NotFoundException extends ConcourseException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }
}
