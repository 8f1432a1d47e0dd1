// Resource classes are added here as they land (Enrollment, DvValidation, Deployment, ...).
export {};
