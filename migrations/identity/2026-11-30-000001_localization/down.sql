DROP TABLE translations;
DROP TABLE translation_keys;
