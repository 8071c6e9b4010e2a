
edgecut.probe*
payloadUINT8:probe